"""Entries to articles: canonical URLs without tracking parameters, dates in UTC, plain text."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.parse

from bs4 import BeautifulSoup

from watcher.models import Article, Entry
from watcher.text import clean, detect_lang

TRACKING_PARAMS = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|yclid|msclkid|mc_cid|mc_eid|igshid|_hsenc|_hsmi|mkt_tok|"
    r"ref|ref_src|ref_url|cmpid|ito|ocid|smid|sref|spm|at_medium|at_campaign|xtor|rss|feature|__twitter_impression)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The address without fragment, tracking parameters, default port or case in scheme and host."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{parts.port}" if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else ""
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    return urllib.parse.urlunsplit((scheme, host + port, path, urllib.parse.urlencode(sorted(query)), ""))


def html_to_text(markup: str) -> str:
    """Readable text of an HTML fragment: one paragraph per block element."""
    if "<" not in markup:
        return clean(markup)
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(["script", "style", "noscript", "iframe", "svg", "form"]):
        tag.decompose()
    blocks = soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "blockquote"])
    if blocks:
        return clean("\n\n".join(b.get_text(" ", strip=True) for b in blocks))
    return clean(soup.get_text("\n", strip=True))


def to_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def fallback_guid(entry: Entry) -> str:
    return "sha1:" + hashlib.sha1(f"{entry.url}\n{entry.title}".encode()).hexdigest()


def normalize(entry: Entry, fetched_at: dt.datetime, lang_hint: str | None = None) -> Article:
    text = html_to_text(entry.content) if entry.content else ""
    summary = html_to_text(entry.summary) if entry.summary else ""
    if len(summary) > len(text):
        text = summary
    # No full content, and one paragraph at most: a teaser, whatever its length.
    summary_only = not entry.content and "\n\n" not in text
    published = to_utc(entry.published)
    title = clean(html_to_text(entry.title)).replace("\n\n", " ")
    return Article(
        feed=entry.feed,
        guid=entry.guid or fallback_guid(entry),
        url=entry.url,
        canonical_url=canonical_url(entry.url) if entry.url else "",
        title=title,
        text=text,
        summary=summary,
        published=published or fetched_at,
        date_source="feed" if published else "fetched",
        lang=detect_lang(f"{title}\n{text}", entry.lang or lang_hint),
        summary_only=summary_only,
    )
