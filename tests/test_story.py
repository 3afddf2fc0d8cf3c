"""The seed story told by the bundled sample feeds, polled in date order from an empty archive."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import hmac
from collections import defaultdict
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.conftest import SECRET, SmtpSink, invoke, json_out, write_config
from watcher.classify import classify
from watcher.samples import SampleArticle, SampleSite, WebhookSink
from watcher.taxonomy import load_taxonomy


def play_story(tmp_path: Path, site: SampleSite, hook: WebhookSink, smtp: SmtpSink, runner: CliRunner) -> Path:
    cfg = write_config(tmp_path / "w.toml", [(name, site.feed_url(name)) for name in site.feeds],
                       smtp_port=smtp.port, hook_url=hook.url)
    for day in sorted({a.published.date() for a in site.articles.values()}):
        site.now = dt.datetime.combine(day, dt.time(23, 59), dt.UTC)
        result = invoke(runner, cfg, "poll")
        assert result.exit_code == 0 and "error" not in result.output, result.output
    return cfg


def changes_of(body: dict[str, Any]) -> dict[str, tuple[str | None, str, str]]:
    return {c["dimension"]: (c["from"], c["to"], c["effective_date"]) for c in body["changes"]}


def test_the_story_in_three_digests_each_delivered_once(tmp_path: Path, site: SampleSite, hook: WebhookSink,
                                                         smtp: SmtpSink, runner: CliRunner) -> None:
    cfg = play_story(tmp_path, site, hook, smtp, runner)

    bodies = [post["json"] for post in hook.posts]
    assert [changes_of(b) for b in bodies] == [
        {"peace_talks": (None, "active", "2021-04-27"),
         "japan_official_wording": (None, "sovereignty_only", "2021-04-27")},
        {"peace_talks": ("active", "suspended", "2022-03-21"),
         "visa_free_exchanges": (None, "suspended", "2022-03-21"),
         "joint_economic_activities": (None, "suspended", "2022-03-21")},
        {"japan_official_wording": ("sovereignty_only", "illegally_occupied", "2022-04-22")},
    ]
    assert [b["baseline"] for b in bodies] == [True, False, False]
    for post in hook.posts:
        expected = "sha256=" + hmac.new(SECRET.encode(), post["body"], hashlib.sha256).hexdigest()
        assert post["headers"]["x-watcher-signature"] == expected
        assert post["headers"]["idempotency-key"] == str(post["json"]["digest_id"])
    assert len({b["digest_id"] for b in bodies}) == 3

    subjects = [email.message_from_bytes(m["data"], policy=email.policy.default)["Subject"] for m in smtp.messages]
    assert len(subjects) == 3
    assert "Peace-treaty talks active" in subjects[0] and "Japan's official wording illegally occupied" in subjects[2]

    digests = json_out(runner, cfg, "digests")
    assert sorted((d["id"], d["channel"], d["state"]) for d in digests) == sorted(
        (b["digest_id"], ch, "sent") for b in bodies for ch in ("email", "webhook"))

    status = json_out(runner, cfg, "status")["dimensions"]
    assert {k: (v["value"], v["since"]) for k, v in status.items()} == {
        "peace_talks": ("suspended", "2022-03-21"), "visa_free_exchanges": ("suspended", "2022-03-21"),
        "joint_economic_activities": ("suspended", "2022-03-21"),
        "japan_official_wording": ("illegally_occupied", "2022-04-22")}

    # Copies never count as evidence: the evidence names each outlet's report once.
    evidence = bodies[1]["changes"][0]["evidence"]
    copies = {a.slug for a in site.articles.values() if a.copy_of}
    assert not any(slug in e["url"] for e in evidence for slug in copies)
    assert len({e["source"] for e in evidence}) == 4

    before = json_out(runner, cfg, "articles")
    assert len(before) == len(site.articles)
    result = invoke(runner, cfg, "poll")
    assert result.output.count("not modified") == len(site.feeds)
    assert json_out(runner, cfg, "articles") == before
    assert len(hook.posts) == 3 and len(smtp.messages) == 3


def test_copies_and_stories_match_the_samples(tmp_path: Path, site: SampleSite, hook: WebhookSink, smtp: SmtpSink,
                                              runner: CliRunner) -> None:
    cfg = play_story(tmp_path, site, hook, smtp, runner)
    rows = {r["url"].split("/articles/")[1].split(".html")[0]: r for r in json_out(runner, cfg, "articles")}
    slug_of = {r["id"]: slug for slug, r in rows.items()}
    for a in site.articles.values():
        row = rows[a.slug]
        assert slug_of.get(row["duplicate_of"], "") == a.copy_of, a.slug
    expected: dict[str, set[str]] = defaultdict(set)
    found: dict[int, set[str]] = defaultdict(set)
    for a in site.articles.values():
        if a.expect_story:
            expected[a.expect_story].add(a.slug)
        if rows[a.slug]["story_id"] is not None:
            found[rows[a.slug]["story_id"]].add(a.slug)
    assert sorted(sorted(s) for s in found.values()) == sorted(sorted(s) for s in expected.values())
    assert all(rows[s]["story_id"] is None for s in rows if not site.articles[s].expect_relevant)


def test_sample_articles_get_their_labels(samples: tuple[list[Any], list[SampleArticle]]) -> None:
    taxonomy = load_taxonomy()
    wrong = []
    for a in samples[1]:
        c = classify(a.title, a.text, taxonomy, a.published.date(), a.lang)
        if c.relevant != a.expect_relevant or {e.type for e in c.events} != set(a.expect_events):
            wrong.append(a.slug)
    assert wrong == []


def test_held_out_articles_do_not_fall_below_the_measured_floor() -> None:
    """tests/data/heldout.toml was written blind and is never tuned on: a floor to raise, not a target.
    Measured at 0.1.0: 14/30 exact, relevance 26/30, one event type reported that was not expected; with the
    word matcher: 20/30 exact, relevance 28/30, two (its labels count some recaps of weeks before as news)."""
    import tomllib

    taxonomy = load_taxonomy()
    raw = tomllib.loads((Path(__file__).parent / "data" / "heldout.toml").read_text(encoding="utf-8"))["articles"]
    exact = relevance = false_types = 0
    for a in raw:
        c = classify(a["title"], "\n\n".join(a["paragraphs"]), taxonomy,
                     dt.date.fromisoformat(a["published"][:10]), a["lang"])
        got = {e.type for e in c.events}
        exact += c.relevant == a["expect_relevant"] and got == set(a["expect_events"])
        relevance += c.relevant == a["expect_relevant"]
        false_types += len(got - set(a["expect_events"]))
    assert exact >= 20 and relevance >= 28 and false_types <= 2, (exact, relevance, false_types)
