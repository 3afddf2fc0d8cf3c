"""Whether an article is about the dispute: the islands named (anchors) in the title, the lead, the body,
in the context of Japan-Russia relations; look-alikes (earthquakes, Kuril Lake, other disputes) count
against it."""

from __future__ import annotations

import functools
import re

from watcher.classify.units import LEAD_SENTENCES, Unit
from watcher.taxonomy import Pattern, Taxonomy


@functools.lru_cache(maxsize=64)
def combined(patterns: tuple[Pattern, ...]) -> re.Pattern[str]:
    """One pattern for a group: a sentence is searched once, not once per pattern."""
    return re.compile("|".join(f"(?:{p.regex.pattern})" for p in patterns) or "(?!)", re.IGNORECASE)


def hits(patterns: tuple[Pattern, ...], group: list[Unit]) -> int:
    screen = combined(patterns)
    return sum(1 for u in group if screen.search(u.text))


def relevance(taxonomy: Taxonomy, parts: list[Unit], lead_events: bool) -> float:
    """0 to 1. The islands named in the title count most, then the lead, then the body; an event of the dispute
    in the lead counts too, so that an article naming the islands only late is still relevant, while a
    roundup that names them once in passing is not."""
    rules = taxonomy.relevance
    title = [u for u in parts if u.position == 0]
    lead = [u for u in parts if 0 < u.position <= LEAD_SENTENCES]
    body = [u for u in parts if u.position > LEAD_SENTENCES]
    anchor = 0.5 * bool(hits(rules.anchors, title)) + 0.3 * bool(hits(rules.anchors, lead))
    anchor += min(0.36, 0.12 * hits(rules.anchors, body))
    whole = "\n".join(u.text for u in parts)
    context = min(0.3, 0.1 * sum(1 for p in rules.context if p.regex.search(whole)))
    off = min(0.7, 0.35 * hits(rules.off_topic, title) + 0.2 * min(2, hits(rules.off_topic, lead)))
    if anchor == 0:
        return 0.0
    return round(max(0.0, min(1.0, anchor + context + 0.2 * lead_events - off)), 3)


def anchor_sentence(taxonomy: Taxonomy, parts: list[Unit]) -> str:
    """The first unit that names the islands: what made an article relevant."""
    return next((u.text for u in parts if any(p.regex.search(u.text) for p in taxonomy.relevance.anchors)), "")


def might_be_relevant(taxonomy: Taxonomy, title: str, text: str) -> bool:
    """Whether a title and summary name the islands or Japan-Russia relations at all: the items whose article
    page is worth fetching. An item that names neither is almost never about the dispute, and general news
    feeds carry hundreds a day that would otherwise each cost a page request."""
    sample = f"{title}\n{text}"
    rules = taxonomy.relevance
    return any(p.regex.search(sample) for p in (*rules.anchors, *rules.context))
