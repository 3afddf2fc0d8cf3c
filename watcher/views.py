"""What the read commands show, as plain data: the CLI prints these as tables or JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from watcher.classify import classify
from watcher.config import Config
from watcher.store import Archive
from watcher.taxonomy import Taxonomy

Row = dict[str, Any]


def status_view(archive: Archive, taxonomy: Taxonomy) -> dict[str, Any]:
    current = archive.status()
    dims = {}
    for name, dim in taxonomy.dimensions.items():
        s = current.get(name)
        dims[name] = {
            "label": dim.label,
            "value": s.value if s else None,
            "since": s.since.isoformat() if s and s.since else None,
            "evidence_date": s.evidence_date.isoformat() if s and s.evidence_date else None,
            "evidence": [{"url": e.url, "title": e.title, "source": e.source, "published": e.published}
                         for e in (s.evidence if s else ())],
        }
    return {"dimensions": dims}


def feeds_view(archive: Archive, config: Config) -> list[Row]:
    """Configured feeds with their health; feeds no longer configured but archived are listed after them."""
    stored = {r["name"]: r for r in archive.feeds()}
    out = []
    for f in config.feeds:
        r = stored.get(f.name, {})
        out.append({
            "name": f.name, "url": f.url, "kind": f.kind, "interval_minutes": f.interval_minutes,
            "enabled": f.enabled, "last_polled": r.get("last_polled"), "last_status": r.get("last_status"),
            "last_error": r.get("last_error"), "consecutive_errors": r.get("consecutive_errors") or 0,
            "next_due": r.get("next_due"), "etag": r.get("etag"), "last_modified": r.get("last_modified"),
            "last_success": r.get("last_success"), "articles_total": r.get("articles_total") or 0,
        })
    return out


def classify_line(line: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """One JSON object in ({"title","text","lang"?,"published"?}), one result out, or {"error": ...}."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as e:
        return {"error": f"not JSON: {e.msg} at column {e.colno}"}
    if not isinstance(item, dict):
        return {"error": "expected a JSON object with title and text"}
    title, text = item.get("title", ""), item.get("text", "")
    if not isinstance(title, str) or not isinstance(text, str) or not (title or text):
        return {"error": "title and text must be strings, and one of them non-empty"}
    published = None
    if item.get("published"):
        try:
            published = dt.date.fromisoformat(str(item["published"])[:10])
        except ValueError:
            return {"error": f"published is not an ISO date: {item['published']!r}"}
    lang = item.get("lang") if isinstance(item.get("lang"), str) else None
    c = classify(title, text, taxonomy, published, lang)
    return {
        "relevant": c.relevant, "relevance": c.relevance, "lang": c.lang,
        "event_types": [{"type": e.type, "score": e.score, "effective_date": e.effective_date.isoformat(),
                         "evidence": list(e.evidence)} for e in c.events],
        "qualifiers": sorted(c.qualifiers),
    }


def classify_lines(lines: Iterable[str], taxonomy: Taxonomy) -> Iterator[dict[str, Any]]:
    for line in lines:
        if line.strip():
            yield classify_line(line, taxonomy)
