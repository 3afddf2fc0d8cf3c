"""Event types from units: every entry tried on every clause, each match kept with what became of it.

A match is a trigger and its object in one clause (a word entry) or a regular expression (a pattern). What
becomes of it, in this order: dropped when the type's `negated_by` fits the sentence, when a negation or a
wish stands just before the trigger ("has no plans to suspend", "hopes to resume"; in Japanese just after
it: 〜しない, 〜を求める); a recap when the trigger stands in a cause ("in response to sanctions") or the
sentence is history (units.mark_recaps); else news. A type is news when the noisy-or of its news matches
reaches the event threshold and one of them reaches it alone, else a recap when its recap matches reach it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from watcher.classify.units import Unit
from watcher.classify.words import Words, find, phrase, words
from watcher.models import EventMatch
from watcher.taxonomy import EventType, LanguageRules, Pattern, Taxonomy, WordEntry

MAX_EVIDENCE = 3
LOOK_BEHIND = 4  # words before a trigger where a negation or a wish takes it back
LOOK_AHEAD_JA = 10  # characters after a Japanese trigger where 〜ない or 〜を求める take it back
JA_PHRASE_BREAKS = ("、", "　", " ", "，", "。")  # where a Japanese cause phrase starts


@dataclass(frozen=True)
class Candidate:
    """One match of one entry in one sentence, and what became of it."""

    type: str
    position: int
    sentence: str
    entry: str  # the entry or pattern that matched, as written in the taxonomy
    weight: float
    factor: float
    outcome: str  # "news", "recap", "negated", "wish", "negated_by"
    reason: str = ""
    date: dt.date | None = None
    dated: bool = False

    @property
    def strength(self) -> float:
        return self.weight * self.factor


@dataclass(frozen=True)
class Decision:
    type: str
    role: str  # "news", "recap" or "none"
    score: float
    recap_score: float
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class PhraseSet:
    """Phrases in the form `words` gives, with the cheap screen before any of them is looked for."""

    phrases: tuple[tuple[str, ...], ...]
    firsts: frozenset[str]  # first words (en, ru)
    heads: tuple[str, ...]  # the strings (ja)

    @classmethod
    def of(cls, written: tuple[str, ...], lang: str) -> PhraseSet:
        phrases = tuple(p for p in (phrase(w, lang) for w in written) if p)
        return cls(phrases, frozenset(p[0] for p in phrases), tuple(p[0] for p in phrases))

    def absent(self, clause: Words) -> bool:
        """None of the phrases can stand in the clause."""
        if clause.lang == "ja":
            return not any(h in clause.text for h in self.heads)
        return clause.positions.keys().isdisjoint(self.firsts)


@functools.lru_cache(maxsize=4096)
def _entry_phrases(entry: WordEntry) -> tuple[PhraseSet, PhraseSet, PhraseSet]:
    return (PhraseSet.of(entry.triggers, entry.lang), PhraseSet.of(entry.objects, entry.lang),
            PhraseSet.of(entry.actors, entry.lang))


@functools.lru_cache(maxsize=64)
def _marker_phrases(rules: LanguageRules, lang: str, key: str) -> tuple[tuple[str, PhraseSet], ...]:
    """Each marker of kind `key` as written, with its phrase."""
    return tuple((w, PhraseSet.of((w,), lang)) for w in getattr(rules, key))


@functools.lru_cache(maxsize=64)
def _marker_screen(rules: LanguageRules, lang: str, key: str) -> PhraseSet:
    return PhraseSet.of(getattr(rules, key), lang)


def _first_marker(rules: LanguageRules, lang: str, key: str, clause: Words) -> tuple[int, str] | None:
    """The earliest marker of kind `key` in a clause: (offset, the marker as written)."""
    if _marker_screen(rules, lang, key).absent(clause):
        return None
    best: tuple[int, str] | None = None
    for written, marker in _marker_phrases(rules, lang, key):
        for norms in marker.phrases:
            spans = find(norms, clause, gap=1)
            if spans and (best is None or spans[0][0] < best[0]):
                best = (spans[0][0], written)
    return best


def _takes_back(rules: LanguageRules, lang: str, clause: Words, start: int, end: int) -> tuple[str, str] | None:
    """A negation or a wish governing the trigger at start..end: ("negated" | "wish", the word)."""
    if lang == "ja":
        window = Words("ja", text=clause.text[end:end + LOOK_AHEAD_JA])
    else:
        window = Words(lang, clause.norms[max(0, start - LOOK_BEHIND):start])
    for key, outcome in (("negation", "negated"), ("modality", "wish")):
        found = _first_marker(rules, lang, key, window)
        if found:
            return outcome, found[1]
    if lang != "ja":
        for w in window.norms:
            if w.endswith("n't"):
                return "negated", w
    return None


def _in_cause(cause: tuple[int, str] | None, clause: Words, start: int) -> str:
    """The cause marker (found in the clause) that the trigger at `start` follows (ja: precedes), or ""."""
    if cause is None:
        return ""
    offset, written = cause
    if clause.lang == "ja":  # the cause precedes its marker, back to the phrase's start: 日本の制裁に対抗
        phrase_start = max(clause.text.rfind(mark, 0, offset) for mark in JA_PHRASE_BREAKS) + 1
        return written if phrase_start <= start < offset else ""
    return written if start > offset else ""


def _word_matches(entry: WordEntry, clause: Words) -> Iterator[tuple[int, int]]:
    """Trigger spans that have one of the entry's objects within reach (and one of its actors in the clause)."""
    triggers, objects, actors = _entry_phrases(entry)
    if triggers.absent(clause) or (objects.phrases and objects.absent(clause)) or (
            actors.phrases and actors.absent(clause)):
        return
    if actors.phrases and not any(find(a, clause) for a in actors.phrases):
        return
    trigger_spans = [span for t in triggers.phrases for span in find(t, clause)]
    if not objects.phrases:
        yield from trigger_spans
        return
    object_spans = [s for o in objects.phrases for s in find(o, clause)]
    for start, end in trigger_spans:
        for o_start, o_end in object_spans:
            gap = o_start - end if o_start >= end else start - o_end
            if -1 < gap <= entry.within or (o_start < end and start < o_end):
                yield start, end
                break


def _pattern_matches(pattern: Pattern, clause_text: str, lang: str) -> Iterator[tuple[int, int]]:
    """A regular expression's matches, as word offsets (ja: characters) for the same checks."""
    for m in pattern.regex.finditer(clause_text):
        if lang == "ja":
            yield m.start(), m.end()
        else:
            before = len(words(clause_text[:m.start()], lang).norms)
            yield before, before + max(1, len(words(m.group(0), lang).norms))


Analysed = list[tuple[Unit, list[tuple[str, Words]]]]


def analyse(parts: list[Unit], lang: str) -> Analysed:
    """Each unit with its clauses, as text and as words: computed once, read by every event type."""
    return [(u, [(c, words(c, lang)) for c in u.clauses(lang)]) for u in parts]


@functools.lru_cache(maxsize=256)
def _type_screen(event_type: EventType, lang: str) -> PhraseSet:
    """Every trigger of a type in one language, for the screen of each clause."""
    return PhraseSet.of(tuple(t for e in event_type.entries if e.lang == lang for t in e.triggers), lang)


def candidates(taxonomy: Taxonomy, event_type: EventType, analysed: Analysed, lang: str) -> list[Candidate]:
    rules = taxonomy.languages.get(lang, LanguageRules())
    entries = [e for e in event_type.entries if e.lang == lang]
    patterns = [p for p in event_type.patterns if p.lang == lang]
    vetoes = [p for p in event_type.negated_by if p.lang == lang]
    found: list[Candidate] = []
    screen = _type_screen(event_type, lang)
    for u, clauses in analysed:
        best: Candidate | None = None
        veto: Pattern | None = None
        veto_looked = False  # the vetoes are searched once a sentence, at its first hit
        for clause_text, clause in clauses:
            if not patterns and screen.absent(clause):
                continue  # no trigger of this type can stand here: the screen before any entry is tried
            hits: list[tuple[str, float, bool, int, int]] = []
            for e in entries:
                hits += [(e.source, e.weight, e.negated, s, t) for s, t in _word_matches(e, clause)]
            for p in patterns:
                hits += [(p.source, p.weight, False, s, t) for s, t in _pattern_matches(p, clause_text, lang)]
            if not hits:
                continue
            if not veto_looked:
                veto, veto_looked = next((p for p in vetoes if p.regex.search(u.text)), None), True
            cause_marker = _first_marker(rules, lang, "cause", clause)
            for source, weight, negated, start, end in hits:
                outcome, reason = "news", ""
                taken_back = None if negated else _takes_back(rules, lang, clause, start, end)
                cause = _in_cause(cause_marker, clause, start)
                if veto is not None:
                    outcome, reason = "negated_by", veto.source
                elif taken_back:
                    outcome, reason = taken_back
                elif cause:
                    outcome, reason = "recap", f"cause marker {cause!r}"
                elif u.recap:
                    outcome, reason = "recap", u.recap
                c = Candidate(event_type.name, u.position, u.text, source, weight, u.factor, outcome, reason,
                              u.date, u.dated)
                if best is None or _rank(c) > _rank(best):
                    best = c
        if best is not None:
            found.append(best)
    return found


def _rank(c: Candidate) -> tuple[int, float]:
    return ({"news": 3, "recap": 2}.get(c.outcome, 1), c.strength)


def _noisy_or(values: list[float]) -> float:
    miss = 1.0
    for v in values:
        miss *= 1.0 - min(v, 0.99)
    return round(1.0 - miss, 3)


def decide(taxonomy: Taxonomy, event_type: EventType, found: list[Candidate]) -> Decision:
    news_strengths = [c.strength for c in found if c.outcome == "news"]
    news = _noisy_or(news_strengths)
    recap = _noisy_or([c.strength for c in found if c.outcome == "recap"])
    # News needs one sentence that reports it surely by itself: weak mentions deep in a long piece add up to
    # a score, never to news.
    sure = bool(news_strengths) and max(news_strengths) >= taxonomy.event_threshold
    role = ("news" if news >= taxonomy.event_threshold and sure
            else "recap" if recap >= taxonomy.event_threshold else "none")
    return Decision(event_type.name, role, news, recap, tuple(found))


def event_match(decision: Decision, published: dt.date) -> EventMatch:
    """The decision as an EventMatch: evidence the strongest sentences of its role, dated by the strongest."""
    scored = [c for c in decision.candidates if c.outcome == decision.role]
    strongest = max(c.strength for c in scored)
    dated = [c for c in scored if c.dated and c.date and c.strength >= strongest * 0.5]
    best = max(dated, key=lambda c: (c.strength, -c.position)) if dated else None
    when = best.date if best and best.date else published
    evidence = sorted(sorted(scored, key=lambda c: -c.strength)[:MAX_EVIDENCE], key=lambda c: c.position)
    score = decision.score if decision.role == "news" else decision.recap_score
    return EventMatch(type=decision.type, score=score, evidence=tuple(c.sentence for c in evidence),
                      effective_date=when, position=min(c.position for c in scored))


def decisions(taxonomy: Taxonomy, parts: list[Unit], lang: str) -> list[Decision]:
    analysed = analyse(parts, lang)
    return [decide(taxonomy, t, candidates(taxonomy, t, analysed, lang)) for t in taxonomy.event_types.values()]


CONTINUATION_REACH = 8  # words (ja: characters x 2) at a sentence's start where "In addition" counts


def sentence_words(parts: list[Unit], lang: str) -> dict[int, Words]:
    """Each unit's words, computed once for the history and continuation markers."""
    return {u.position: words(u.text, lang) for u in parts}


def continuations(taxonomy: Taxonomy, said: dict[int, Words], lang: str) -> set[int]:
    """Units that open by going on with the one before ("In addition, …", "Japan also …", "Кроме того",
    "Kishida called that decision …")."""
    rules = taxonomy.languages.get(lang)
    if rules is None or not rules.continuation:
        return set()
    out = set()
    for position, sentence in said.items():
        opening = Words(lang, sentence.norms[:CONTINUATION_REACH + 1], sentence.text[:CONTINUATION_REACH * 2])
        if _first_marker(rules, lang, "continuation", opening):
            out.add(position)
    return out


def history_markers(taxonomy: Taxonomy, said: dict[int, Words], lang: str) -> dict[int, str]:
    """Units that carry a marker of history: position -> the marker as written."""
    rules = taxonomy.languages.get(lang)
    if rules is None or not rules.history:
        return {}
    out = {}
    for position, sentence in said.items():
        found = _first_marker(rules, lang, "history", sentence)
        if found:
            out[position] = found[1]
    return out
