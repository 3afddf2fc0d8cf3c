"""An article as units: the title, then each sentence in order, each dated and told news or recap.

A sentence is a recap when it names a date more than `news_window_days` before publication, or carries a
marker of history ("Recall that", "напомним", 以前) without naming a recent date. Its clauses are what an
event's trigger and object must share.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from watcher.text import first_date, paragraphs, sentences

LEAD_SENTENCES = 3
LEAD_DATE_DAYS = 14  # a date the lead names this close to publication is the news date of undated sentences

# Clauses: a trigger and its object must stand in one. Split at semicolons and before the conjunctions that
# start a new statement; not at colons or dashes, which in headlines and Russian join a speaker or a subject
# to what is said of it ("Лавров — Маэхаре: суверенитет не обсуждается").
_CLAUSE_EN_RU = re.compile(r"\s*;\s+|\s*,?\s+\b(?:but|while|whereas|although|though|however|а|но|однако|"
                           r"хотя|тогда как)\b\s+", re.IGNORECASE)
_CLAUSE_JA = re.compile(r"(?<=が)、|(?<=ものの)、|(?<=一方)、|(?<=一方で)、|[;；]")


@dataclass(frozen=True)
class Unit:
    position: int  # 0 is the title
    text: str
    date: dt.date
    dated: bool  # the date is named in this sentence or earlier in its paragraph, not the publication date
    recap: str = ""  # why the unit is history, not news ("" when it is news)
    paragraph: int = -1  # -1 is the title
    own_date: bool = False  # the sentence names its date itself
    named_date: bool = False  # the sentence or its paragraph names its date (not the lead's news date)

    @property
    def factor(self) -> float:
        """How much a match here counts: the lead fully, later sentences less."""
        if self.position <= LEAD_SENTENCES:
            return 1.0
        return max(0.6, 1.0 - 0.04 * (self.position - LEAD_SENTENCES))

    @property
    def in_lead(self) -> bool:
        return self.position <= LEAD_SENTENCES

    def clauses(self, lang: str) -> list[str]:
        splitter = _CLAUSE_JA if lang == "ja" else _CLAUSE_EN_RU
        return [c for c in splitter.split(self.text) if c and c.strip()]


def units(title: str, text: str, published: dt.date) -> list[Unit]:
    """Title and sentences, each dated by what it names, else by its paragraph, else by the lead's news date."""
    raw: list[tuple[int, str, dt.date | None, bool, int]] = []
    if title.strip():
        raw.append((0, title, first_date(title, published), False, -1))
    position = 1
    for number, paragraph in enumerate(paragraphs(text)):
        carried: dt.date | None = None
        for sentence in sentences(paragraph):
            own = first_date(sentence, published)
            carried = own or carried
            raw.append((position, sentence, carried, own is not None, number))
            position += 1
    lead_dates = [d for pos, _s, d, _own, _p in raw if pos <= LEAD_SENTENCES and d is not None]
    news_date = lead_dates[0] if lead_dates and (published - lead_dates[0]).days <= LEAD_DATE_DAYS else None
    return [Unit(pos, s, min(d or news_date or published, published), (d or news_date) is not None,
                 paragraph=p, own_date=own, named_date=d is not None) for pos, s, d, own, p in raw]


def _is_heading(u: Unit) -> bool:
    """A subheading inside the text: a short line with no closing punctuation."""
    text = u.text.rstrip("\"'”’»)」 ")
    return u.position > 0 and len(text) < 90 and not text.endswith((".", "!", "?", "。", "！", "？", ":", "："))


def mark_recaps(parts: list[Unit], published: dt.date, news_window_days: int,
                history_marker: dict[int, str], continuing: set[int] | frozenset[int] = frozenset()) -> list[Unit]:
    """Units dated before the news window, or marked as history (`history_marker`: position -> the marker
    found) and not dated inside the window, become recaps; so do the later sentences of their paragraph that
    name no recent date of their own (a background paragraph stays background), a sentence that opens by going
    on with a recap (`continuing`: "In addition, …") is one too, and a subheading takes the role of the
    sentence after it."""
    horizon = published - dt.timedelta(days=news_window_days)
    out: list[Unit] = []
    background: tuple[int, str] | None = None  # (paragraph, reason) of a paragraph that opened as history
    previous_paragraph = -2
    for u in parts:
        reason = ""
        recent = u.own_date and u.date >= horizon
        opens_paragraph = u.paragraph != previous_paragraph
        previous_paragraph = u.paragraph
        if u.dated and u.date < horizon:
            reason = f"dated {u.date.isoformat()}, before the news window"
        elif u.position in history_marker and not recent:
            reason = f"history marker {history_marker[u.position]!r}"
        elif background and background[0] == u.paragraph and not recent:
            reason = f"in a background paragraph ({background[1]})"
        elif u.position in continuing and out and out[-1].recap and not recent and not u.in_lead:
            reason = f"goes on with a recap ({out[-1].recap})"
        if opens_paragraph:
            background = (u.paragraph, reason) if reason and u.paragraph >= 0 else None
        out.append(dataclasses.replace(u, recap=reason) if reason else u)
    for i, u in enumerate(out):
        # An embedded post ends with "— Name (@handle) March 21, 2022": its lines above share that date.
        if u.recap and _EMBED_ATTRIBUTION.search(u.text):
            for j in range(i - 1, max(-1, i - 1 - EMBED_LINES), -1):
                if out[j].recap or not _is_post_line(out[j]):
                    break
                out[j] = dataclasses.replace(out[j], recap=f"an embedded post ({u.recap})")
    for i, u in enumerate(out[:-1]):
        following = out[i + 1]
        if _is_heading(u) and following.recap and not u.recap:
            out[i] = dataclasses.replace(u, recap=f"a subheading of background ({following.recap})")
    return out


_EMBED_ATTRIBUTION = re.compile(r"\(@\w+\)")
EMBED_LINES = 4


def _is_post_line(u: Unit) -> bool:
    """A line of an embedded post: it opens with a symbol (an emoji, a bullet), not a word or a quote."""
    first = u.text.lstrip()[:1]
    return bool(first) and not first.isalnum() and first not in "\"'“‘«「(["
