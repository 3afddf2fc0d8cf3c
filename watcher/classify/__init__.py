"""Relevance and event types: a pure function of an article's text and the taxonomy.

    units      the title and sentences, dated, told news or recap (history, or dated before the news window)
    words      each language's words: English stems, Russian lemmas (pymorphy3), Japanese normalized text
    matcher    the taxonomy's entries tried on every clause; negation, wishes, causes; a decision per type
    relevance  whether the article is about the dispute at all

`classify` is what the pipeline calls; `explain` says why, decision by decision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from watcher.classify.matcher import (
    Decision,
    continuations,
    decisions,
    event_match,
    history_markers,
    sentence_words,
)
from watcher.classify.qualifiers import qualifiers
from watcher.classify.relevance import anchor_sentence, might_be_relevant, relevance
from watcher.classify.units import LEAD_SENTENCES, Unit, mark_recaps, units
from watcher.models import Classification
from watcher.taxonomy import Taxonomy
from watcher.text import detect_lang

__all__ = ["LEAD_SENTENCES", "Unit", "anchor_sentence", "classify", "classify_and_explain", "explain",
           "might_be_relevant", "units"]


def _read(title: str, text: str, taxonomy: Taxonomy, published: dt.date | None,
          lang: str | None) -> tuple[dt.date, str, list[Unit], list[Decision], Classification]:
    published = published or dt.datetime.now(dt.UTC).date()
    detected = detect_lang(f"{title}\n{text}", lang)
    parts = units(title, text, published)
    said = sentence_words(parts, detected)
    parts = mark_recaps(parts, published, taxonomy.news_window_days, history_markers(taxonomy, said, detected),
                        continuations(taxonomy, said, detected))
    found = decisions(taxonomy, parts, detected)
    order = {name: i for i, name in enumerate(taxonomy.event_types)}
    news = sorted((event_match(d, published) for d in found if d.role == "news"),
                  key=lambda e: (e.position, order[e.type]))
    recaps = sorted((event_match(d, published) for d in found if d.role == "recap"),
                    key=lambda e: (e.position, order[e.type]))
    score = relevance(taxonomy, parts, any(e.position <= LEAD_SENTENCES for e in news))
    relevant = score >= taxonomy.relevance.threshold
    result = Classification(relevant=relevant, relevance=score, events=tuple(news) if relevant else (),
                            lang=detected, recaps=tuple(recaps) if relevant else (),
                            qualifiers=qualifiers(taxonomy, parts) if relevant else frozenset())
    return published, detected, parts, found, result


def classify(title: str, text: str, taxonomy: Taxonomy, published: dt.date | None = None,
             lang: str | None = None) -> Classification:
    """Whether the article is about the dispute, how surely, which events it reports as news, which it recaps."""
    return _read(title, text, taxonomy, published, lang)[4]


def explain(title: str, text: str, taxonomy: Taxonomy, published: dt.date | None = None,
            lang: str | None = None) -> dict[str, Any]:
    """Every decision with the sentences behind it: the entry that matched, its weight, and why a candidate
    was dropped (negated, a wish, a recap, below the threshold)."""
    return classify_and_explain(title, text, taxonomy, published, lang)[1]


def classify_and_explain(title: str, text: str, taxonomy: Taxonomy, published: dt.date | None = None,
                         lang: str | None = None) -> tuple[Classification, dict[str, Any]]:
    """`classify` and `explain` from one reading of the article."""
    _published, _lang, parts, found, result = _read(title, text, taxonomy, published, lang)
    return result, {
        "relevance": {"score": result.relevance, "relevant": result.relevant,
                      "threshold": taxonomy.relevance.threshold, "sentence": anchor_sentence(taxonomy, parts)},
        "decisions": [
            {"type": d.type, "decision": d.role if d.role != "none" else "below threshold", "score": d.score,
             "recap_score": d.recap_score, "threshold": taxonomy.event_threshold,
             "candidates": [{"sentence": c.sentence, "position": c.position, "entry": c.entry, "weight": c.weight,
                             "counted": round(c.strength, 3), "outcome": c.outcome, "reason": c.reason}
                            for c in d.candidates]}
            for d in found if d.candidates],
    }
