"""One poll cycle: fetch -> parse -> normalize -> drop known -> extract -> classify -> dedupe -> store, per feed;
then status -> digest -> notify for the cycle. A failing feed is recorded on the feed and the cycle goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from watcher import dedupe
from watcher.classify import LEAD_SENTENCES, classify, might_be_relevant
from watcher.config import Config, FeedConfig
from watcher.digest import build, json_body, subject
from watcher.errors import ArchiveError, FeedError
from watcher.extract import extract
from watcher.fetch import fetch
from watcher.models import Article, StatusChange
from watcher.normalize import normalize
from watcher.notify import DeliveryOutcome, configured_channels, deliver_due
from watcher.parse import parse
from watcher.status import apply
from watcher.store import Archive
from watcher.taxonomy import Taxonomy

log = logging.getLogger("watcher")
Clock = Callable[[], dt.datetime]
COPY_WINDOW = dt.timedelta(days=30)  # a copy is looked for among the articles published this far back
FEED_ACCEPT = {"rss": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
               "html": "text/html,application/xhtml+xml"}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class FeedOutcome:
    feed: str
    state: str  # "ok", "not_modified" or "error"
    new: int = 0
    relevant: int = 0
    error: str | None = None


@dataclass
class PollReport:
    feeds: list[FeedOutcome] = field(default_factory=list)
    changes: list[StatusChange] = field(default_factory=list)
    digest_id: int | None = None
    deliveries: list[DeliveryOutcome] = field(default_factory=list)

    @property
    def new_articles(self) -> int:
        return sum(f.new for f in self.feeds)


def poll(config: Config, archive: Archive, taxonomy: Taxonomy, session: requests.Session,
         clock: Clock = utc_now, feeds: list[FeedConfig] | None = None) -> PollReport:
    """Poll `feeds` (default: every enabled feed) now, update the status, and deliver what is due."""
    with archive.transaction():
        archive.sync_feeds(config.feeds)
    report = PollReport()
    for feed in feeds if feeds is not None else [f for f in config.feeds if f.enabled]:
        report.feeds.append(poll_feed(config, archive, taxonomy, session, feed, clock))
    report.changes, report.digest_id = update_status(config, archive, taxonomy, clock())
    report.deliveries = deliver_due(archive, config, taxonomy, session, clock())
    return report


def poll_feed(config: Config, archive: Archive, taxonomy: Taxonomy, session: requests.Session,
              feed: FeedConfig, clock: Clock) -> FeedOutcome:
    now = clock()
    try:
        etag, last_modified = archive.validators(feed)
        result = fetch(session, feed.url, config.fetch, etag, last_modified, accept=FEED_ACCEPT[feed.kind])
        if result.not_modified:
            with archive.transaction():
                archive.record_poll(feed, now, 304, result.etag, result.last_modified, 0)
            return FeedOutcome(feed.name, "not_modified")
        articles = [normalize(e, now, feed.lang) for e in parse(feed, result)]
        fresh = sorted(archive.unknown(articles), key=lambda a: a.published)
        relevant = 0
        with archive.transaction():
            # read once a feed, grown as articles are stored: not once an article
            candidates = archive.copy_candidates(fresh[0].published - COPY_WINDOW) if fresh else []
            for article in fresh:
                relevant += store_article(config, archive, taxonomy, session, article, now, candidates)
            # validators last: after a crash the feed is fetched whole again and nothing is lost
            archive.record_poll(feed, now, result.status, result.etag, result.last_modified, len(fresh))
    except FeedError as e:
        log.warning("feed %s: %s", feed.name, e)
        archive.record_failure(feed, now, str(e), e.status)
        return FeedOutcome(feed.name, "error", error=str(e))
    except ArchiveError:
        raise  # the archive itself is unusable: no other feed can be stored either
    except Exception as e:  # a bug or a library failure on odd input: this feed fails, the cycle goes on
        log.exception("feed %s: unexpected error", feed.name)
        message = f"unexpected error ({type(e).__name__}: {e}); please report it with this feed's URL"
        archive.record_failure(feed, now, message, None)
        return FeedOutcome(feed.name, "error", error=message)
    return FeedOutcome(feed.name, "ok", new=len(fresh), relevant=relevant)


def store_article(config: Config, archive: Archive, taxonomy: Taxonomy, session: requests.Session,
                  article: Article, now: dt.datetime, candidates: list[dedupe.Candidate]) -> int:
    """Extract, classify, dedupe and archive one new article (added to `candidates`); 1 when relevant."""
    if might_be_relevant(taxonomy, article.title, article.text):
        article = extract(session, article, config.fetch)  # no page fetch for what cannot be about the dispute
    classification = classify(article.title, article.text, taxonomy, article.published_date, article.lang)
    sig = dedupe.signature(f"{article.title}\n{article.text}")
    original = dedupe.find_original(sig, candidates, config.similarity)
    story_id = original.story_id if original else None
    if story_id is None and classification.relevant and classification.events:
        since = min(e.effective_date for e in classification.events) - dt.timedelta(days=config.story_window_days)
        story = dedupe.find_story(classification, archive.story_keys(since), config.story_window_days, LEAD_SENTENCES)
        story_id = story.id if story else None
    duplicate_of = original.id if original else None
    article_id, story_id = archive.insert_article(article, classification, sig, duplicate_of, story_id, now)
    candidates.append(dedupe.Candidate(article_id, sig, duplicate_of, story_id))
    return int(classification.relevant)


def update_status(config: Config, archive: Archive, taxonomy: Taxonomy,
                  now: dt.datetime) -> tuple[list[StatusChange], int | None]:
    """Apply the pending articles to the status; record a digest when a dimension changed."""
    pending = archive.pending_for_status()
    if not pending:
        return [], None
    with archive.transaction():
        baseline = not archive.has_history()
        status, changes = apply(taxonomy, archive.status(), pending)
        archive.save_status(status, now)
        digest_id = None
        if changes:
            digest = build(changes, pending, status, baseline, now)
            digest_id = archive.add_digest(digest, subject(taxonomy, digest), lambda i: json_body(digest, i),
                                           configured_channels(config))
        archive.mark_status_applied([a.id for a in pending])
    return changes, digest_id
