"""Digests reach a real SMTP server and webhook receiver; a failed delivery stays pending and is retried."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SECRET, SECRET_ENV, SmtpSink
from tests.feedserver import FeedServer, Route, rss
from watcher.config import load_config
from watcher.fetch import new_session
from watcher.pipeline import poll
from watcher.samples import LoopbackServer, QuietHandler, reply
from watcher.store import open_archive
from watcher.taxonomy import load_taxonomy

ITEM = {"title": "Russia suspends peace treaty talks with Japan", "link": "/a/1.html", "date": "2022-03-22T06:00:00Z",
        "description": "Russia said on Monday it was suspending peace treaty talks with Japan and ending visa-free "
                       "exchanges with the southern Kuril Islands, citing Japan's sanctions."}


class FlakyHook(LoopbackServer):
    """A webhook receiver on 127.0.0.1 answering each post with the next status in `codes` (then 200)."""

    def __init__(self, codes: list[int]) -> None:
        self.codes = list(codes)
        self.posts: list[tuple[dict[str, str], bytes]] = []
        hook = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.posts.append((dict(self.headers), body))
                reply(self, hook.codes.pop(0) if hook.codes else 200, b"", {})

        super().__init__(Handler)
        self.url = f"{self.base}/hook"


MakeHook = Callable[[list[int]], FlakyHook]


@pytest.fixture
def flaky_hook() -> Iterator[MakeHook]:
    """Makes receivers for a test, each answering with the given status codes; stops them after it."""
    made: list[FlakyHook] = []

    def make(codes: list[int]) -> FlakyHook:
        made.append(FlakyHook(codes).__enter__())
        return made[-1]

    yield make
    for hook in made:
        hook.__exit__(None)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as s:
        s.routes["/f.xml"] = Route(rss([{**ITEM, "link": s.base + ITEM["link"]}]))
        yield s


def config_file(tmp_path: Path, feed_url: str, hook_url: str, smtp_port: int | None = None, fmt: str = "json") -> Path:
    text = (f'[storage]\ndatabase = "a.db"\n[delivery]\nmax_attempts = 3\nretry_minutes = 1\n'
            f'[[feeds]]\nname = "wire"\nurl = "{feed_url}"\n'
            f'[notify.webhook]\nurl = "{hook_url}"\nsecret_env = "{SECRET_ENV}"\nformat = "{fmt}"\n')
    if smtp_port:
        text += (f'[notify.email]\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp_port}\nsecurity = "none"\n'
                 'sender = "watcher@localhost"\nrecipients = ["desk@localhost", "chief@localhost"]\n')
    path = tmp_path / "w.toml"
    path.write_text(text)
    return path


def test_email_and_webhook_each_get_the_digest_once(tmp_path: Path, feeds: FeedServer, flaky_hook: MakeHook,
                                                     smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    hook = flaky_hook([])
    config = load_config(str(config_file(tmp_path, feeds.base + "/f.xml", hook.url, smtp.port)))
    archive, taxonomy, session = open_archive(config.database), load_taxonomy(), new_session(config.fetch)
    report = poll(config, archive, taxonomy, session)
    assert {(d.channel, d.state) for d in report.deliveries} == {("email", "sent"), ("webhook", "sent")}

    [(headers, body)] = hook.posts
    payload = json.loads(body)
    assert headers["Idempotency-Key"] == str(payload["digest_id"])
    assert headers["X-Watcher-Signature"] == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert {c["dimension"]: c["to"] for c in payload["changes"]} == {
        "peace_talks": "suspended", "visa_free_exchanges": "suspended"}
    assert payload["changes"][0]["effective_date"] == "2022-03-21"
    assert payload["changes"][0]["evidence"][0]["source"] == "wire"

    [message] = smtp.messages
    msg = email.message_from_bytes(message["data"], policy=email.policy.default)
    assert sorted(message["to"]) == ["chief@localhost", "desk@localhost"]
    assert "Peace-treaty talks suspended" in msg["Subject"]
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Russia suspends peace treaty talks with Japan" in plain and feeds.base + "/a/1.html" in plain

    again = poll(config, archive, taxonomy, session)
    assert again.deliveries == [] and len(hook.posts) == 1 and len(smtp.messages) == 1


def test_a_failed_webhook_is_retried_and_then_marked_sent(tmp_path: Path, feeds: FeedServer, flaky_hook: MakeHook,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    hook = flaky_hook([503])
    config = load_config(str(config_file(tmp_path, feeds.base + "/f.xml", hook.url)))
    archive, taxonomy, session = open_archive(config.database), load_taxonomy(), new_session(config.fetch)
    start = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    report = poll(config, archive, taxonomy, session, clock=lambda: start)
    assert [(d.state, d.error) for d in report.deliveries] == [("pending", f"webhook {hook.url} answered HTTP 503")]
    assert archive.digests()[0]["state"] == "pending" and archive.digests()[0]["attempts"] == 1

    too_soon = poll(config, archive, taxonomy, session, clock=lambda: start + dt.timedelta(seconds=30))
    assert too_soon.deliveries == []  # the retry waits retry_minutes
    later = poll(config, archive, taxonomy, session, clock=lambda: start + dt.timedelta(minutes=2))
    assert [d.state for d in later.deliveries] == ["sent"]
    first, second = (json.loads(body) for _h, body in hook.posts)
    assert first == second  # the same digest, the same Idempotency-Key
    row = archive.digests()[0]
    assert (row["state"], row["attempts"]) == ("sent", 2)


def test_gives_up_after_max_attempts(tmp_path: Path, feeds: FeedServer, flaky_hook: MakeHook,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    hook = flaky_hook([500, 500, 500, 500])
    config = load_config(str(config_file(tmp_path, feeds.base + "/f.xml", hook.url)))
    archive, taxonomy, session = open_archive(config.database), load_taxonomy(), new_session(config.fetch)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for minutes in (0, 2, 10, 60):
        poll(config, archive, taxonomy, session, clock=lambda m=minutes: start + dt.timedelta(minutes=m))
    row = archive.digests()[0]
    assert (row["state"], row["attempts"]) == ("failed", 3) and len(hook.posts) == 3


def test_missing_secret_variable_fails_the_delivery_with_its_name(tmp_path: Path, feeds: FeedServer,
                                                                  flaky_hook: MakeHook,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    hook = flaky_hook([])
    config = load_config(str(config_file(tmp_path, feeds.base + "/f.xml", hook.url)))
    report = poll(config, open_archive(config.database), load_taxonomy(), new_session(config.fetch))
    assert SECRET_ENV in (report.deliveries[0].error or "") and hook.posts == []


def test_slack_format(tmp_path: Path, feeds: FeedServer, flaky_hook: MakeHook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    hook = flaky_hook([])
    config = load_config(str(config_file(tmp_path, feeds.base + "/f.xml", hook.url, fmt="slack")))
    poll(config, open_archive(config.database), load_taxonomy(), new_session(config.fetch))
    [(headers, body)] = hook.posts
    text = json.loads(body)["text"]
    assert "Peace-treaty talks: unknown -> suspended" in text and headers["Idempotency-Key"]
