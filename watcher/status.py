"""The dispute's status, pure: events move dimensions by the taxonomy's rules, newest evidence first to win.

A dimension changes only on evidence whose effective date is newer than the evidence for its current value,
so an old article arriving late never turns the status back. Evidence that confirms the current value with a
newer date moves `evidence_date` forward, so that older contrary reports stay out afterwards too. Copies
(`duplicate_of`) are neither evidence nor triggers: the original already counted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from watcher.models import DimensionState, Evidence, StatusChange, StoredArticle
from watcher.taxonomy import StatusRule, Taxonomy

MAX_EVIDENCE = 10


@dataclass(frozen=True)
class Signal:
    """One article's word on one dimension."""

    dimension: str
    value: str
    effective_date: dt.date
    evidence: Evidence


def rule_fits(rule: StatusRule, qualifiers: frozenset[str]) -> bool:
    return set(rule.requires) <= qualifiers and not set(rule.unless) & qualifiers


def signals(taxonomy: Taxonomy, stored: StoredArticle) -> list[Signal]:
    if stored.duplicate_of is not None or not stored.classification.relevant:
        return []
    a = stored.article
    evidence = Evidence(stored.id, a.url, a.title, a.feed, a.published_date.isoformat())
    out = []
    for event in stored.classification.events:
        seen_dimensions = set()
        for rule in taxonomy.rules_for(event.type):
            if rule.dimension not in seen_dimensions and rule_fits(rule, stored.classification.qualifiers):
                seen_dimensions.add(rule.dimension)
                out.append(Signal(rule.dimension, rule.value, event.effective_date, evidence))
    return out


def apply(taxonomy: Taxonomy, current: dict[str, DimensionState],
          articles: list[StoredArticle]) -> tuple[dict[str, DimensionState], list[StatusChange]]:
    """The new status and the changes, in order, that `articles` make to `current`."""
    state = {name: current.get(name, DimensionState(None, None, None)) for name in taxonomy.dimensions}
    found = sorted((s for a in articles for s in signals(taxonomy, a)),
                   key=lambda s: (s.effective_date, s.evidence.published, s.evidence.article_id))
    changes: list[StatusChange] = []
    for s in found:
        now = state[s.dimension]
        newer = now.evidence_date is None or s.effective_date > now.evidence_date
        if newer and now.value != s.value:
            state[s.dimension] = DimensionState(s.value, s.effective_date, s.effective_date, (s.evidence,))
            changes.append(StatusChange(s.dimension, now.value, s.value, s.effective_date, (s.evidence,)))
        elif now.value == s.value and (newer or s.effective_date == now.evidence_date):
            evidence = now.evidence
            if all(e.article_id != s.evidence.article_id for e in evidence) and len(evidence) < MAX_EVIDENCE:
                evidence = (*evidence, s.evidence)
            state[s.dimension] = dataclasses.replace(
                now, evidence_date=max(s.effective_date, now.evidence_date or s.effective_date), evidence=evidence)
            changes = [_with_evidence(c, s) if c is _last_change(changes, s.dimension) else c for c in changes]
    return state, changes


def _last_change(changes: list[StatusChange], dimension: str) -> StatusChange | None:
    return next((c for c in reversed(changes) if c.dimension == dimension), None)


def _with_evidence(change: StatusChange, s: Signal) -> StatusChange:
    """Other outlets' reports of the same change join its evidence."""
    if change.to_value != s.value or any(e.article_id == s.evidence.article_id for e in change.evidence):
        return change
    if len(change.evidence) >= MAX_EVIDENCE:
        return change
    return dataclasses.replace(change, evidence=(*change.evidence, s.evidence))
