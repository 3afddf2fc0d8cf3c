"""Relevance and event types: a pure function of an article's text and the taxonomy.

An article is read as units: the title, then each sentence in order. A pattern found in a unit counts with
its weight times the unit's position factor (the lead counts fully, later sentences less), and not at all
when the unit is dated more than `background_after_days` before publication (history, not news). An event
type's score is the noisy-or of its units; it is reported at `event_threshold` or above. Its effective date
is the date its strongest dated evidence names, else the publication date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from watcher.models import Classification, EventMatch
from watcher.taxonomy import Pattern, Taxonomy
from watcher.text import detect_lang, first_date, paragraphs, sentences

LEAD_SENTENCES = 3
MAX_EVIDENCE = 3
LEAD_DATE_DAYS = 14  # a date the lead names this close to publication is the news date of undated sentences


@dataclass(frozen=True)
class Unit:
    position: int  # 0 is the title
    text: str
    date: dt.date
    dated: bool  # the date is named in this sentence or earlier in its paragraph, not the publication date

    @property
    def factor(self) -> float:
        if self.position <= LEAD_SENTENCES:
            return 1.0
        return max(0.65, 1.0 - 0.02 * (self.position - LEAD_SENTENCES))

    @property
    def in_lead(self) -> bool:
        return self.position <= LEAD_SENTENCES


def units(title: str, text: str, published: dt.date) -> list[Unit]:
    """Title and sentences, each dated by what it names, else by its paragraph, else by the lead's news date."""
    raw: list[tuple[int, str, dt.date | None]] = [(0, title, first_date(title, published))] if title.strip() else []
    position = 1
    for paragraph in paragraphs(text):
        carried: dt.date | None = None
        for sentence in sentences(paragraph):
            carried = first_date(sentence, published) or carried
            raw.append((position, sentence, carried))
            position += 1
    lead_dates = [d for pos, _s, d in raw if pos <= LEAD_SENTENCES and d is not None]
    news_date = lead_dates[0] if lead_dates and (published - lead_dates[0]).days <= LEAD_DATE_DAYS else None
    return [Unit(pos, s, min(d or news_date or published, published), (d or news_date) is not None)
            for pos, s, d in raw]


def best_weight(patterns: Iterable[Pattern], text: str) -> float:
    return max((p.weight for p in patterns if p.regex.search(text)), default=0.0)


def relevance(taxonomy: Taxonomy, parts: list[Unit], has_events: bool) -> float:
    rules = taxonomy.relevance
    title = [u for u in parts if u.position == 0]
    lead = [u for u in parts if 0 < u.position <= LEAD_SENTENCES]
    body = [u for u in parts if u.position > LEAD_SENTENCES]

    def hits(patterns: tuple[Pattern, ...], group: list[Unit]) -> int:
        return sum(1 for u in group if any(p.regex.search(u.text) for p in patterns))

    anchor = 0.5 * bool(hits(rules.anchors, title)) + 0.3 * bool(hits(rules.anchors, lead))
    anchor += min(0.2, 0.05 * hits(rules.anchors, body))
    context = min(0.3, 0.1 * sum(1 for p in rules.context if any(p.regex.search(u.text) for u in parts)))
    off = min(0.7, 0.35 * hits(rules.off_topic, title) + 0.2 * min(2, hits(rules.off_topic, lead)))
    if anchor == 0:
        return 0.0
    return round(max(0.0, min(1.0, anchor + context + 0.2 * has_events - off)), 3)


def qualifiers(taxonomy: Taxonomy, parts: list[Unit]) -> frozenset[str]:
    found = set()
    for q in taxonomy.qualifiers.values():
        for u in parts:
            if best_weight(q.patterns, u.text) and not best_weight(q.negated_by, u.text):
                found.add(q.name)
                break
    return frozenset(found)


def events(taxonomy: Taxonomy, parts: list[Unit], published: dt.date) -> tuple[EventMatch, ...]:
    horizon = published - dt.timedelta(days=taxonomy.background_after_days)
    found = []
    for event_type in taxonomy.event_types.values():
        scored = [(best_weight(event_type.patterns, u.text) * u.factor, u) for u in parts
                  if u.date >= horizon and not best_weight(event_type.negated_by, u.text)]
        scored = [(c, u) for c, u in scored if c > 0]
        if not scored:
            continue
        miss = 1.0
        for c, _u in scored:
            miss *= 1.0 - min(c, 0.99)
        score = round(1.0 - miss, 3)
        if score < taxonomy.event_threshold:
            continue
        strongest = max(c for c, _u in scored)
        dated = [(c, u) for c, u in scored if u.dated and c >= strongest * 0.5]
        when = max(dated, key=lambda cu: (cu[0], -cu[1].position))[1].date if dated else published
        evidence = sorted(sorted(scored, key=lambda cu: -cu[0])[:MAX_EVIDENCE], key=lambda cu: cu[1].position)
        found.append(EventMatch(type=event_type.name, score=score, evidence=tuple(u.text for _c, u in evidence),
                                effective_date=when, position=min(u.position for _c, u in scored)))
    order = {name: i for i, name in enumerate(taxonomy.event_types)}
    return tuple(sorted(found, key=lambda e: (e.position, order[e.type])))


def might_be_relevant(taxonomy: Taxonomy, title: str, text: str) -> bool:
    """Whether a title and summary name the islands or Japan-Russia relations at all: the items whose article
    page is worth fetching. An item that names neither is almost never about the dispute, and general news
    feeds carry hundreds a day that would otherwise each cost a page request."""
    sample = f"{title}\n{text}"
    rules = taxonomy.relevance
    return any(p.regex.search(sample) for p in (*rules.anchors, *rules.context))


def classify(title: str, text: str, taxonomy: Taxonomy, published: dt.date | None = None,
             lang: str | None = None) -> Classification:
    """Whether the article is about the dispute, how surely, and which events it reports."""
    published = published or dt.datetime.now(dt.UTC).date()
    parts = units(title, text, published)
    detected = detect_lang(f"{title}\n{text}", lang)
    found = events(taxonomy, parts, published)
    score = relevance(taxonomy, parts, bool(found))
    relevant = score >= taxonomy.relevance.threshold
    return Classification(relevant=relevant, relevance=score, events=found if relevant else (), lang=detected,
                          qualifiers=qualifiers(taxonomy, parts) if relevant else frozenset())
