"""The values that flow between stages. Frozen: a stage returns new values, it never edits its input."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FetchResult:
    """What fetch got for one URL: a body, or `not_modified` (HTTP 304) and no body."""

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


@dataclass(frozen=True)
class Entry:
    """One item as the feed (or listing page) gives it, before normalizing."""

    feed: str
    guid: str
    url: str
    title: str
    summary: str = ""
    content: str = ""
    published: dt.datetime | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Article:
    """A normalized item: canonical URL, UTC date, plain text."""

    feed: str
    guid: str
    url: str
    canonical_url: str
    title: str
    text: str
    published: dt.datetime
    date_source: str  # "feed", "page" or "fetched": where `published` came from
    lang: str
    summary: str = ""
    extract_error: str | None = None
    summary_only: bool = False  # the feed gave a summary, not the article: extract fetches the page

    @property
    def published_date(self) -> dt.date:
        return self.published.date()


@dataclass(frozen=True)
class EventMatch:
    """One event type an article reports, with the sentences that show it."""

    type: str
    score: float
    evidence: tuple[str, ...]
    effective_date: dt.date
    position: int = 0  # index of the first evidence sentence; 0 is the title


@dataclass(frozen=True)
class Classification:
    relevant: bool
    relevance: float
    events: tuple[EventMatch, ...] = ()
    lang: str = "en"
    qualifiers: frozenset[str] = frozenset()
    recaps: tuple[EventMatch, ...] = ()  # events it recaps, names as a cause or as history: never news

    def lead_event(self) -> EventMatch | None:
        """What the article leads with: `events` come ordered by position, then by taxonomy order."""
        return self.events[0] if self.events else None


@dataclass(frozen=True)
class StoredArticle:
    """An archived article as the later stages see it."""

    id: int
    article: Article
    classification: Classification
    duplicate_of: int | None = None
    story_id: int | None = None


@dataclass(frozen=True)
class Evidence:
    article_id: int
    url: str
    title: str
    source: str
    published: str  # ISO date


@dataclass(frozen=True)
class DimensionState:
    value: str | None
    since: dt.date | None
    evidence_date: dt.date | None  # newest effective date among the evidence for `value`
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class StatusChange:
    dimension: str
    from_value: str | None
    to_value: str
    effective_date: dt.date
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class DigestEvent:
    type: str
    story_id: int | None
    title: str
    url: str
    published: str


@dataclass(frozen=True)
class Digest:
    generated_at: dt.datetime
    changes: tuple[StatusChange, ...]
    events: tuple[DigestEvent, ...] = ()
    baseline: bool = False
    status: dict[str, str | None] = field(default_factory=dict)
