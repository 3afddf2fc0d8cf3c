"""The naive baseline `watcher evaluate` scores beside the rules: island names plus one trigger word per type.

It is deliberately simple: an article is relevant when it names an island (or the Northern Territories or
the Kurils) anywhere, and reports every event type one of whose trigger words appears anywhere in it. If the
rules score close to this on a corpus, the corpus is too easy, or the rules add nothing.
"""

from __future__ import annotations

from watcher.text import detect_lang

ISLAND_NAMES = {
    "en": ("kuril", "northern territor", "iturup", "etorofu", "kunashir", "shikotan", "habomai"),
    "ru": ("курил", "итуруп", "кунашир", "шикотан", "хабомаи", "северные территории"),
    "ja": ("北方領土", "北方四島", "択捉", "国後", "色丹", "歯舞", "千島", "クリル"),
}

# One trigger word per event type and language: the word a reader would search for first.
TRIGGERS = {
    "talks_suspended": {"en": "suspend", "ru": "приостанов", "ja": "中断"},
    "talks_resumed": {"en": "negotiat", "ru": "переговор", "ja": "交渉"},
    "exchanges_suspended": {"en": "visa-free", "ru": "безвизов", "ja": "ビザなし"},
    "exchanges_resumed": {"en": "resum", "ru": "возобнов", "ja": "再開"},
    "joint_activities_suspended": {"en": "withdr", "ru": "выход", "ja": "離脱"},
    "joint_activities_agreed": {"en": "joint economic", "ru": "совместн", "ja": "共同経済活動"},
    "sovereignty_statement": {"en": "sovereignty", "ru": "суверенитет", "ja": "主権"},
    "military_exercise": {"en": "drill", "ru": "учени", "ja": "演習"},
    "military_deployment": {"en": "deploy", "ru": "размещ", "ja": "配備"},
    "official_visit": {"en": "visit", "ru": "визит", "ja": "訪問"},
    "diplomatic_protest": {"en": "protest", "ru": "протест", "ja": "抗議"},
    "sanctions": {"en": "sanction", "ru": "санкци", "ja": "制裁"},
    "economic_development": {"en": "invest", "ru": "инвест", "ja": "投資"},
    "fishing_incident": {"en": "fishing boat", "ru": "рыболов", "ja": "漁船"},
}


def baseline_classify(title: str, text: str, lang: str | None = None) -> tuple[bool, frozenset[str]]:
    """(relevant, event types) by keywords alone."""
    body = f"{title}\n{text}".lower()
    language = lang or detect_lang(body)
    names = ISLAND_NAMES.get(language, ISLAND_NAMES["en"])
    if not any(n in body for n in names):
        return False, frozenset()
    found = frozenset(t for t, words in TRIGGERS.items() if words.get(language, words["en"]) in body)
    return True, found
