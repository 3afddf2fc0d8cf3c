"""Digests, pure: what changed, with its evidence, as plain text, HTML, and the webhook bodies."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from watcher.models import Digest, DigestEvent, DimensionState, StatusChange, StoredArticle
from watcher.taxonomy import Taxonomy

MAX_EVENTS = 30


def build(changes: list[StatusChange], articles: list[StoredArticle], status: dict[str, DimensionState],
          baseline: bool, now: dt.datetime) -> Digest:
    """A digest of the cycle's changes, with one event line per story and event type (copies left out)."""
    events: list[DigestEvent] = []
    seen: set[tuple[object, str]] = set()
    for stored in articles:
        if stored.duplicate_of is not None or not stored.classification.relevant:
            continue
        for e in stored.classification.events:
            key = (stored.story_id or f"article-{stored.id}", e.type)
            if key not in seen and len(events) < MAX_EVENTS:
                seen.add(key)
                a = stored.article
                events.append(DigestEvent(e.type, stored.story_id, a.title, a.url, a.published_date.isoformat()))
    return Digest(generated_at=now, changes=tuple(changes), events=tuple(events), baseline=baseline,
                  status={name: s.value for name, s in status.items()})


def label(taxonomy: Taxonomy, dimension: str) -> str:
    d = taxonomy.dimensions.get(dimension)
    return d.label if d else dimension.replace("_", " ")


def value_label(value: str | None) -> str:
    return value.replace("_", " ") if value else "unknown"


def subject(taxonomy: Taxonomy, digest: Digest) -> str:
    parts = [f"{label(taxonomy, c.dimension)} {value_label(c.to_value)}" for c in digest.changes]
    head = "Kuril watcher baseline" if digest.baseline else "Kuril watcher"
    return f"{head}: {'; '.join(parts)}"


def json_body(digest: Digest, digest_id: int) -> dict[str, Any]:
    """The webhook's json body (and what the digests table keeps)."""
    return {
        "digest_id": digest_id,
        "generated_at": digest.generated_at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "baseline": digest.baseline,
        "changes": [{
            "dimension": c.dimension, "from": c.from_value, "to": c.to_value,
            "effective_date": c.effective_date.isoformat(),
            "evidence": [{"url": e.url, "title": e.title, "source": e.source, "published": e.published}
                         for e in c.evidence],
        } for c in digest.changes],
        "events": [{"type": e.type, "story_id": e.story_id, "title": e.title, "url": e.url, "published": e.published}
                   for e in digest.events],
        "status": digest.status,
    }


def events_by_story(events: list[dict[str, Any]]) -> list[tuple[list[str], dict[str, Any]]]:
    """The event lines of a body, one per story (or article without one): its types and first report."""
    groups: dict[object, tuple[list[str], dict[str, Any]]] = {}
    for e in events:
        key = e["story_id"] if e["story_id"] is not None else e["url"]
        types, _first = groups.setdefault(key, ([], e))
        if e["type"] not in types:
            types.append(e["type"])
    return list(groups.values())


def render_text(taxonomy: Taxonomy, body: dict[str, Any], subject_line: str) -> str:
    lines = [subject_line, "=" * min(len(subject_line), 78), ""]
    if body.get("baseline"):
        lines += ["First status found in an empty archive (baseline).", ""]
    for c in body["changes"]:
        lines.append(f"* {label(taxonomy, c['dimension'])}: {value_label(c['from'])} -> {value_label(c['to'])} "
                     f"(effective {c['effective_date']})")
        for e in c["evidence"]:
            lines.append(f"    - {e['title']} ({e['source']}, {e['published']})")
            lines.append(f"      {e['url']}")
    if body["events"]:
        lines += ["", "Reported in this cycle, by story:"]
        for types, e in events_by_story(body["events"]):
            lines += [f"  - {e['title']} ({e['published']})", f"    {', '.join(types)}", f"    {e['url']}"]
    lines += ["", f"Digest {body['digest_id']}, generated {body['generated_at']}."]
    return "\n".join(lines) + "\n"


def render_html(taxonomy: Taxonomy, body: dict[str, Any], subject_line: str) -> str:
    esc = html.escape
    out = [f"<html><body><h2>{esc(subject_line)}</h2>"]
    if body.get("baseline"):
        out.append("<p>First status found in an empty archive (baseline).</p>")
    out.append("<ul>")
    for c in body["changes"]:
        items = "".join(f'<li><a href="{esc(e["url"])}">{esc(e["title"])}</a> ({esc(e["source"])}, '
                        f'{esc(e["published"])})</li>' for e in c["evidence"])
        out.append(f"<li><b>{esc(label(taxonomy, c['dimension']))}</b>: {esc(value_label(c['from']))} &rarr; "
                   f"<b>{esc(value_label(c['to']))}</b> (effective {esc(c['effective_date'])})<ul>{items}</ul></li>")
    out.append("</ul>")
    if body["events"]:
        out.append("<h3>Reported in this cycle, by story</h3><ul>")
        out += [f'<li><a href="{esc(e["url"])}">{esc(e["title"])}</a> ({esc(e["published"])}): '
                f"{esc(', '.join(types))}</li>" for types, e in events_by_story(body["events"])]
        out.append("</ul>")
    out.append(f"<p><small>Digest {body['digest_id']}, generated {esc(body['generated_at'])}.</small></p>")
    out.append("</body></html>")
    return "\n".join(out)


def webhook_payload(fmt: str, taxonomy: Taxonomy, body: dict[str, Any], subject_line: str) -> dict[str, Any]:
    """The body a webhook of this format expects: ours (json), Slack's or Discord's."""
    if fmt == "json":
        return body
    text = render_text(taxonomy, body, subject_line)
    if fmt == "slack":
        return {"text": text}
    return {"content": text[:1990]}  # Discord caps a message at 2,000 characters
