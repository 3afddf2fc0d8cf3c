"""What the read commands show, as plain data: the CLI prints these as tables or JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from watcher.classify import classify, classify_and_explain
from watcher.config import Config
from watcher.models import EventMatch
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


def _event(e: EventMatch) -> dict[str, Any]:
    return {"type": e.type, "score": e.score, "effective_date": e.effective_date.isoformat(),
            "evidence": list(e.evidence)}


def classify_line(line: str, taxonomy: Taxonomy, with_explanation: bool = False) -> dict[str, Any]:
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
    explanation = None
    if with_explanation:
        c, explanation = classify_and_explain(title, text, taxonomy, published, lang)
    else:
        c = classify(title, text, taxonomy, published, lang)
    out: dict[str, Any] = {"relevant": c.relevant, "relevance": c.relevance, "lang": c.lang,
                           "event_types": [_event(e) for e in c.events], "recaps": [_event(e) for e in c.recaps],
                           "qualifiers": sorted(c.qualifiers)}
    if explanation is not None:
        out["explanation"] = explanation
    return out


def classify_lines(lines: Iterable[str], taxonomy: Taxonomy,
                   with_explanation: bool = False) -> Iterator[dict[str, Any]]:
    for line in lines:
        if line.strip():
            yield classify_line(line, taxonomy, with_explanation)


def describe_classification(result: dict[str, Any]) -> str:
    """A classify result as lines a person reads; with an explanation, every decision and its sentences."""
    kinds = ", ".join(f"{e['type']} ({e['score']:.2f}, {e['effective_date']})" for e in result["event_types"])
    recaps = ", ".join(f"{e['type']} ({e['effective_date']})" for e in result["recaps"])
    lines = [f"{'relevant' if result['relevant'] else 'not relevant'} ({result['relevance']:.2f})"
             + (f": {kinds}" if kinds else "") + (f"; recaps: {recaps}" if recaps else "")]
    explanation = result.get("explanation")
    if explanation:
        r = explanation["relevance"]
        named = f", islands named in: {r['sentence'][:120]}" if r["sentence"] else ", the islands are not named"
        lines.append(f"  relevance {r['score']:.2f} (threshold {r['threshold']:.2f}){named}")
        for d in explanation["decisions"]:
            lines.append(f"  {d['type']}: {d['decision']} (news {d['score']:.2f}, recap {d['recap_score']:.2f}, "
                         f"threshold {d['threshold']:.2f})")
            for c in d["candidates"]:
                why = c["outcome"] + (f": {c['reason']}" if c["reason"] else "")
                lines.append(f"    [{c['position']}] {c['entry']} weight {c['weight']:.2f} counted {c['counted']:.2f}, "
                             f"{why}: {c['sentence'][:140]}")
    return "\n".join(lines)
