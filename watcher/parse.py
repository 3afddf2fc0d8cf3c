"""Feed bodies to entries: RSS/Atom through feedparser, HTML listing pages through BeautifulSoup.

Feed kinds register by name; a config's `kind` picks one, and an unknown kind is refused at load.
"""

from __future__ import annotations

import calendar
import datetime as dt
import urllib.parse
from collections.abc import Callable
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from watcher.config import FeedConfig
from watcher.errors import ParseError
from watcher.models import Entry, FetchResult

Parser = Callable[[FeedConfig, FetchResult], list[Entry]]
PARSERS: dict[str, Parser] = {}


def parser(kind: str) -> Callable[[Parser], Parser]:
    def register(fn: Parser) -> Parser:
        PARSERS[kind] = fn
        return fn
    return register


def parse(feed: FeedConfig, result: FetchResult) -> list[Entry]:
    return PARSERS[feed.kind](feed, result)


def _struct_to_datetime(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


@parser("rss")
def parse_feed(feed: FeedConfig, result: FetchResult) -> list[Entry]:
    """RSS or Atom. A feed with recoverable errors still yields its entries; one with none is an error."""
    parsed = feedparser.parse(result.content, response_headers={
        "content-type": result.content_type or "application/xml", "content-location": result.url})
    if parsed.bozo and not parsed.entries:
        reason = str(getattr(parsed, "bozo_exception", "")) or "unreadable"
        raise ParseError(f"not a usable RSS/Atom feed ({reason[:160]}); check the feed's URL",
                         status=result.status)
    if not parsed.entries and not parsed.feed.get("title") and not parsed.version:
        raise ParseError("no RSS/Atom feed found in the response; check the feed's URL", status=result.status)
    lang = parsed.feed.get("language")
    entries = []
    for item in parsed.entries:
        link = item.get("link") or ""
        if not link and not item.get("title"):
            continue
        content = "\n\n".join(c.get("value", "") for c in item.get("content", []) if c.get("value"))
        entries.append(Entry(
            feed=feed.name,
            guid=str(item.get("id") or link),
            url=urllib.parse.urljoin(result.url, link),
            title=item.get("title", ""),
            summary=item.get("summary", ""),
            content=content,
            published=_struct_to_datetime(item.get("published_parsed") or item.get("updated_parsed")),
            lang=feed.lang or lang,
        ))
    return entries


@parser("html")
def parse_listing(feed: FeedConfig, result: FetchResult) -> list[Entry]:
    """An HTML page that lists articles: each link (by `link_selector`, else article headings) is an entry."""
    soup = BeautifulSoup(result.content, "lxml")
    selector = feed.link_selector or "article a[href], h2 a[href], h3 a[href]"
    host = urllib.parse.urlsplit(result.url).hostname
    seen: set[str] = set()
    entries = []
    for a in soup.select(selector):
        url = urllib.parse.urljoin(result.url, str(a.get("href", "")))
        title = a.get_text(" ", strip=True)
        if not title or url in seen or urllib.parse.urlsplit(url).hostname != host:
            continue
        seen.add(url)
        entries.append(Entry(feed=feed.name, guid=url, url=url, title=title, lang=feed.lang))
    if not entries:
        raise ParseError(f"no article links matched {selector!r} on the page; set link_selector for this feed",
                         status=result.status)
    return entries
