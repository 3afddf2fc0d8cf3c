"""Plain-text helpers shared by extract, classify and dedupe: paragraphs, sentences, language, dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# A sentence ends at . ! ? before a capital, a digit or a Japanese character; or at 。！？
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’»)]*\s+(?=[\"'“‘«(「]?[A-ZА-ЯЁ0-9\u3040-\u30ff\u4e00-\u9fff])"
                           r"|(?<=[。！？])\s*")
_WS = re.compile(r"[ \t\u00a0\u3000]+")


def clean(text: str) -> str:
    """Whitespace folded, lines kept; paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text)
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", text)]
    return [p for p in parts if p]


# A full stop after these does not end a sentence ("on Nov. 1", "Mr. Abe", "the U.S. envoy").
_ABBREVIATION = re.compile(r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|No|Gen|Lt|Col|"
                           r"Gov|Sen|Rep|Adm|Capt|Prof|Jr|Sr|vs)|\b[A-Z]\.[A-Z])\.$")


def sentences(paragraph: str) -> list[str]:
    pieces = [s.strip() for s in _SENTENCE_END.split(paragraph) if s and s.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and _ABBREVIATION.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def detect_lang(text: str, hint: str | None = None) -> str:
    """en, ru or ja by script: kana or CJK ideographs mean Japanese, Cyrillic means Russian."""
    sample = text[:4000]
    kana_cjk = sum(1 for c in sample if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    cyrillic = sum(1 for c in sample if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in sample if c.isascii() and c.isalpha())
    if kana_cjk and kana_cjk * 2 >= latin * 0.5 and kana_cjk >= cyrillic:
        return "ja"
    if cyrillic and cyrillic >= latin:
        return "ru"
    if latin:
        return "en"
    return (hint or "en").split("-")[0].lower()


# ---------------------------------------------------------------------------------------------- dates

MONTHS_EN = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS_EN.update({m[:3]: i for m, i in list(MONTHS_EN.items())})
MONTHS_EN["sept"] = 9
MONTHS_RU = {"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
             "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12}
WEEKDAYS_EN = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
WEEKDAYS_RU = {"понедельник": 0, "вторник": 1, "среду": 2, "четверг": 3, "пятницу": 4, "субботу": 5,
               "воскресенье": 6}

_M_EN = r"(january|february|march|april|may|june|july|august|september|october|november|december|" \
        r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_M_RU = r"(январ[а-я]*|феврал[а-я]*|март[а-я]*|апрел[а-я]*|ма[яе]|июн[а-я]*|июл[а-я]*|август[а-я]*|" \
        r"сентябр[а-я]*|октябр[а-я]*|ноябр[а-я]*|декабр[а-я]*)"
_Y = r"((?:19|20)\d\d)"

DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b" + _Y + r"-(\d\d)-(\d\d)\b")),
    ("ja_ymd", re.compile(_Y + r"年(\d{1,2})月(\d{1,2})日")),
    ("ja_md", re.compile(r"(?<![年\d])(\d{1,2})月(\d{1,2})日")),
    ("ja_last_month", re.compile(r"(昨年|去年)(\d{1,2})月")),
    ("ja_ym", re.compile(_Y + r"年(\d{1,2})月(?!\d{1,2}日)")),
    ("ja_d", re.compile(r"(?<![月\d])(\d{1,2})日(?!本)")),
    ("ja_m", re.compile(r"(?<![年\d])(\d{1,2})月(?![\d日])")),
    ("ja_y", re.compile(_Y + r"年(?!\d{1,2}月|度)")),
    ("en_dmy", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _M_EN + r",?\s+" + _Y + r"\b", re.I)),
    ("en_mdy", re.compile(r"\b" + _M_EN + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _Y + r"\b", re.I)),
    ("en_dm", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _M_EN + r"\b", re.I)),
    ("en_md", re.compile(r"\b" + _M_EN + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d{4})", re.I)),
    ("en_last_month", re.compile(r"\blast\s+" + _M_EN + r"\b", re.I)),
    ("en_in_my", re.compile(r"\b(?:in|since|from|until|by|of|early|late|mid-?)\s+" + _M_EN + r",?\s+" + _Y + r"\b",
                            re.I)),
    ("en_in_m", re.compile(r"\b(?:in|early|late|mid-?)\s+" + _M_EN + r"\b(?!\s+\d)", re.I)),
    ("en_in_y", re.compile(r"\b(?:in|back in)\s+" + _Y + r"\b(?!\s*[-–]|\s+\w+\s+\d)", re.I)),
    ("en_weekday", re.compile(r"\b(?:on|last|this)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
                              re.I)),
    ("en_yesterday", re.compile(r"\byesterday\b", re.I)),
    ("ru_dmy", re.compile(r"\b(\d{1,2})\s+" + _M_RU + r"\s+" + _Y + r"\b", re.I)),
    ("ru_dm", re.compile(r"\b(\d{1,2})\s+" + _M_RU + r"(?!\s+(?:19|20)\d\d)", re.I)),
    ("ru_in_my", re.compile(r"\b(?:в|с|до|к)\s+" + _M_RU + r"\s+" + _Y + r"\b", re.I)),
    ("ru_in_y", re.compile(r"\bв\s+" + _Y + r"\s+году", re.I)),
    ("ru_in_m", re.compile(r"\b(?:в|с)\s+" + _M_RU + r"\b(?!\s+\d)", re.I)),
    ("ru_weekday", re.compile(r"\bво?\s+(понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b", re.I)),
    ("ru_yesterday", re.compile(r"\bвчера\b", re.I)),
]


def _month_en(name: str) -> int:
    return MONTHS_EN[name.lower().rstrip(".")]


def _month_ru(name: str) -> int:
    low = name.lower()
    for stem, number in sorted(MONTHS_RU.items(), key=lambda kv: -len(kv[0])):
        if low.startswith(stem):
            return number
    raise ValueError(name)


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _latest_before(month: int, day: int, ref: dt.date, slack_days: int = 7) -> dt.date | None:
    """The month/day in the reference's year, or the year before when that would lie well in the future."""
    d = _safe(ref.year, month, day)
    if d is None:
        return None
    return d if d <= ref + dt.timedelta(days=slack_days) else _safe(ref.year - 1, month, day)


def _weekday_before(weekday: int, ref: dt.date) -> dt.date:
    return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7)


def _resolve(kind: str, g: tuple[str, ...], ref: dt.date) -> dt.date | None:
    if kind == "iso":
        return _safe(int(g[0]), int(g[1]), int(g[2]))
    if kind == "ja_ymd":
        return _safe(int(g[0]), int(g[1]), int(g[2]))
    if kind == "ja_md":
        return _latest_before(int(g[0]), int(g[1]), ref)
    if kind == "ja_last_month":
        return _safe(ref.year - 1, int(g[1]), 15)
    if kind == "ja_ym":
        return _safe(int(g[0]), int(g[1]), 15)
    if kind == "ja_d":
        day = int(g[0])
        d = _safe(ref.year, ref.month, day)
        if d is None or d > ref + dt.timedelta(days=7):
            prev = ref.replace(day=1) - dt.timedelta(days=1)
            d = _safe(prev.year, prev.month, day)
        return d
    if kind in ("en_dmy", "ru_dmy"):
        month = _month_en(g[1]) if kind == "en_dmy" else _month_ru(g[1])
        return _safe(int(g[2]), month, int(g[0]))
    if kind == "en_mdy":
        return _safe(int(g[2]), _month_en(g[0]), int(g[1]))
    if kind in ("en_dm", "ru_dm"):
        month = _month_en(g[1]) if kind == "en_dm" else _month_ru(g[1])
        return _latest_before(month, int(g[0]), ref)
    if kind == "en_md":
        return _latest_before(_month_en(g[0]), int(g[1]), ref)
    if kind == "en_last_month":
        month = _month_en(g[0])
        year = ref.year if month < ref.month else ref.year - 1
        return _safe(year, month, 15)
    if kind in ("en_in_my", "ru_in_my"):
        month = _month_en(g[0]) if kind == "en_in_my" else _month_ru(g[0])
        return _safe(int(g[1]), month, 15)
    if kind in ("en_in_m", "ru_in_m", "ja_m"):
        month = _month_en(g[0]) if kind == "en_in_m" else _month_ru(g[0]) if kind == "ru_in_m" else int(g[0])
        return _safe(ref.year if month <= ref.month else ref.year - 1, month, 15)
    if kind in ("en_in_y", "ru_in_y", "ja_y"):
        year = int(g[0])
        return None if year >= ref.year else _safe(year, 7, 1)
    if kind in ("en_weekday", "ru_weekday"):
        table = WEEKDAYS_EN if kind == "en_weekday" else WEEKDAYS_RU
        return _weekday_before(table[g[0].lower()], ref)
    if kind in ("en_yesterday", "ru_yesterday"):
        return ref - dt.timedelta(days=1)
    return None


def dates_in(sentence: str, ref: dt.date) -> list[tuple[int, dt.date]]:
    """Dates a sentence names, as (offset, date), resolved against `ref` (the publication date).

    A date without a year is the latest such date not well after `ref`; a weekday is the latest such day on
    or before `ref`. Spans already claimed by a longer form ("21 March 2022") are not read again ("21 March").
    """
    found: list[tuple[int, dt.date]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            try:
                d = _resolve(kind, m.groups(), ref)
            except (KeyError, ValueError):
                d = None
            if d is not None:
                found.append((m.start(), d))
                taken.append((m.start(), m.end()))
    return sorted(found)


def first_date(sentence: str, ref: dt.date) -> dt.date | None:
    found = dates_in(sentence, ref)
    return found[0][1] if found else None
