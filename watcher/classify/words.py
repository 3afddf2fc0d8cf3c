"""Words, not strings: each language's text as a sequence of normalized words, and phrases matched on them.

English words are Snowball stems, with the irregular verbs news writes most spelled out, so that "froze",
"frozen" and "freezes" all meet the entry "freeze". Russian words are pymorphy3 lemmas, so one entry finds
every case ("Кунашир" meets "Кунашире", "Кунаширом"). Japanese has no spaces: a Japanese clause is matched as
the NFKC-normalized string itself, which finds a kanji word in every conjugation of the verb it starts
("中断" meets 中断した, 中断する). The language tools load on first use, and every word form is normalized once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"[0-9a-zа-яё]+(?:['’][a-z]+)?", re.IGNORECASE)
# "Russian-held", "Moscow-controlled": an adjective, one word, never the verb "hold" ("visits were held").
_COMPOUND = re.compile(r"(?<=[a-z])-(?=(?:held|controlled|occupied|run|based|owned|claimed|administered|led)\b)",
                       re.IGNORECASE)

# Irregular English forms a stemmer cannot join to their verb. Entries name the verb; these name it too.
IRREGULAR_EN = {
    "froze": "freeze", "frozen": "freeze", "broke": "break", "broken": "break", "held": "hold", "met": "meet",
    "left": "leave", "withdrew": "withdraw", "withdrawn": "withdraw", "began": "begin", "begun": "begin",
    "flew": "fly", "flown": "fly", "drew": "draw", "drawn": "draw", "took": "take", "taken": "take",
    "made": "make", "sent": "send", "led": "lead", "struck": "strike", "shot": "shoot", "stood": "stand",
    "said": "say", "told": "tell", "went": "go", "gone": "go", "came": "come", "gave": "give", "given": "give",
    "spoke": "speak", "spoken": "speak", "sought": "seek", "fought": "fight", "lost": "lose", "won": "win",
    "wrote": "write", "written": "write", "saw": "see", "seen": "see", "kept": "keep", "brought": "bring",
    "thought": "think", "set": "set", "put": "put", "cut": "cut", "isles": "isle", "laid": "lay", "paid": "pay",
    "arose": "arise", "hit": "hit", "ran": "run", "fell": "fall", "fallen": "fall", "rode": "ride",
    "chose": "choose", "chosen": "choose", "undertook": "undertake", "overtook": "overtake", "forbade": "forbid",
    "sold": "sell", "bought": "buy", "built": "build", "spent": "spend", "felt": "feel", "heard": "hear",
}


@dataclass(frozen=True)
class Words:
    """A clause as its language sees it: normalized words (en, ru), or the normalized string (ja)."""

    lang: str
    norms: tuple[str, ...] = ()
    text: str = ""  # ja: the clause, NFKC-normalized and lower-cased

    @functools.cached_property
    def positions(self) -> dict[str, list[int]]:
        """Where each word stands: a phrase whose first word is absent costs one lookup."""
        out: dict[str, list[int]] = {}
        for i, w in enumerate(self.norms):
            out.setdefault(w, []).append(i)
        return out


def normalize_ja(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@functools.cache
def _english_stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.cache
def _russian_morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=200_000)
def norm_en(word: str) -> str:
    low = word.lower().replace("’", "'")
    if low.endswith("'s"):
        low = low[:-2]
    base = IRREGULAR_EN.get(low, low)
    stem: str = _english_stemmer().stemWord(base)
    return stem


@functools.lru_cache(maxsize=200_000)
def norm_ru(word: str) -> str:
    low = word.lower().replace("ё", "е")
    parsed = _russian_morph().parse(low)
    form: str = parsed[0].normal_form.replace("ё", "е") if parsed else low
    return form


def words(text: str, lang: str) -> Words:
    if lang == "ja":
        return Words("ja", text=normalize_ja(text))
    norm = norm_ru if lang == "ru" else norm_en
    if lang == "en":
        text = _COMPOUND.sub("", text)
    return Words(lang, tuple(norm(w) for w in _WORD.findall(text)))


@functools.lru_cache(maxsize=20_000)
def phrase(text: str, lang: str) -> tuple[str, ...]:
    """An entry's phrase in the form words() gives: its normalized words, or (ja) the normalized string."""
    if lang == "ja":
        return (normalize_ja(text),)
    return words(text, lang).norms


def find(phrase_norms: Sequence[str], clause: Words, gap: int = 1) -> list[tuple[int, int]]:
    """Where a phrase stands in a clause, as (start, end) word offsets (ja: character offsets). Words of a
    phrase may have up to `gap` other words between them ("broke them off" is "break off")."""
    if clause.lang == "ja":
        needle, hay, out, start = phrase_norms[0], clause.text, [], 0
        while needle and (i := hay.find(needle, start)) >= 0:
            out.append((i, i + len(needle)))
            start = i + 1
        return out
    norms = clause.norms
    found: list[tuple[int, int]] = []
    if not phrase_norms:
        return found
    for i in clause.positions.get(phrase_norms[0], ()):
        pos, ok = i, True
        for want in phrase_norms[1:]:
            nxt = next((j for j in range(pos + 1, min(len(norms), pos + 2 + gap)) if norms[j] == want), None)
            if nxt is None:
                ok = False
                break
            pos = nxt
        if ok:
            found.append((i, pos + 1))
    return found
