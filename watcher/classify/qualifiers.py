"""Properties of a whole article that status rules ask for ("names a Japanese government document")."""

from __future__ import annotations

from watcher.classify.units import Unit
from watcher.taxonomy import Taxonomy


def qualifiers(taxonomy: Taxonomy, parts: list[Unit]) -> frozenset[str]:
    found = set()
    for q in taxonomy.qualifiers.values():
        for u in parts:
            if any(p.regex.search(u.text) for p in q.patterns) and not any(p.regex.search(u.text)
                                                                           for p in q.negated_by):
                found.add(q.name)
                break
    return frozenset(found)
