"""The bundled sample news: invented outlets reporting the dispute, served as RSS from 127.0.0.1.

`SampleSite` serves `/feeds/<name>.xml` (RSS 2.0 with ETag and Last-Modified, answering 304 to a matching
conditional GET) and `/articles/<slug>.html`. Its `now` decides which articles have been published, so the
demo and the tests can play the story forward in date order. `WebhookSink` records what it is posted.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import http.server
import importlib.resources
import json
import threading
import tomllib
import urllib.parse
from dataclasses import dataclass
from typing import Any, Self
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class SampleFeed:
    name: str
    title: str
    lang: str
    site: str


@dataclass(frozen=True)
class SampleArticle:
    slug: str
    feed: str
    published: dt.datetime
    lang: str
    title: str
    paragraphs: tuple[str, ...]
    summary_only: bool = False
    expect_relevant: bool = False
    expect_events: tuple[str, ...] = ()
    expect_recaps: tuple[str, ...] = ()
    expect_story: str = ""
    copy_of: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def load_samples(path: str | None = None) -> tuple[list[SampleFeed], list[SampleArticle]]:
    source = path or str(importlib.resources.files("watcher") / "data" / "samples" / "articles.toml")
    with open(source, "rb") as f:
        raw = tomllib.load(f)
    feeds = [SampleFeed(f["name"], f["title"], f["lang"], f.get("site", f"{f['name']}.example"))
             for f in raw["feeds"]]
    articles = [SampleArticle(
        slug=a["slug"], feed=a["feed"], lang=a["lang"], title=a["title"], paragraphs=tuple(a["paragraphs"]),
        published=dt.datetime.fromisoformat(a["published"].replace("Z", "+00:00")),
        summary_only=a.get("summary_only", False), expect_relevant=a.get("expect_relevant", False),
        expect_events=tuple(a.get("expect_events", ())), expect_recaps=tuple(a.get("expect_recaps", ())),
        expect_story=a.get("expect_story", ""),
        copy_of=a.get("copy_of", "")) for a in raw["articles"]]
    return feeds, sorted(articles, key=lambda a: (a.published, a.slug))


def render_rss(feed: SampleFeed, items: list[SampleArticle], base: str) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0"><channel>',
           f"<title>{escape(feed.title)}</title>", f"<link>{base}/</link>",
           f"<description>{escape(feed.title)}</description>", f"<language>{feed.lang}</language>"]
    for a in sorted(items, key=lambda i: i.published, reverse=True):
        link = f"{base}/articles/{a.slug}.html?utm_source=rss&utm_medium=feed"
        body = a.paragraphs[0] if a.summary_only else "".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
        out += ["<item>", f"<title>{escape(a.title)}</title>", f"<link>{escape(link)}</link>",
                f'<guid isPermaLink="false">{escape(feed.site)}:{a.slug}</guid>',
                f"<pubDate>{email.utils.format_datetime(a.published)}</pubDate>",
                f"<description>{escape(body)}</description>", "</item>"]
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def render_page(feed: SampleFeed, a: SampleArticle) -> bytes:
    e = html.escape
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
    return (f'<!DOCTYPE html><html lang="{a.lang}"><head><meta charset="utf-8"><title>{e(a.title)}</title></head>'
            f"<body><header><a href='/'>{e(feed.title)}</a><nav><a href='/world'>World</a></nav></header>"
            f"<main><article><h1>{e(a.title)}</h1><time datetime='{a.published.isoformat()}'>"
            f"{a.published.date()}</time>\n{paragraphs}</article>"
            f"<aside><h2>Most read</h2><p>Weather: snow expected in Sapporo.</p></aside></main>"
            f"<footer>© {e(feed.title)}</footer></body></html>").encode()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def reply(handler: http.server.BaseHTTPRequestHandler, code: int, body: bytes, headers: dict[str, str]) -> None:
    handler.send_response(code)
    for k, v in headers.items():
        handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class QuietHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 at a free port, running while used as a context manager."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        self.server = _Server(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class SampleSite(LoopbackServer):
    """The sample outlets on 127.0.0.1, showing what was published up to `now`."""

    def __init__(self, feeds: list[SampleFeed], articles: list[SampleArticle]) -> None:
        self.feeds = {f.name: f for f in feeds}
        self.articles = {a.slug: a for a in articles}
        self.now = dt.datetime.max.replace(tzinfo=dt.UTC)
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                reply(self, *site.respond(self.path, self.headers))

        super().__init__(Handler)

    def feed_url(self, name: str) -> str:
        return f"{self.base}/feeds/{name}.xml"

    def published(self, feed: str) -> list[SampleArticle]:
        return [a for a in self.articles.values() if a.feed == feed and a.published <= self.now]

    def respond(self, raw_path: str, headers: Any) -> tuple[int, bytes, dict[str, str]]:
        path = urllib.parse.urlsplit(raw_path).path
        if path.startswith("/feeds/") and path.endswith(".xml") and path[7:-4] in self.feeds:
            feed = self.feeds[path[7:-4]]
            items = self.published(feed.name)
            body = render_rss(feed, items, self.base)
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            newest = max((a.published for a in items), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
            validators = {"ETag": etag, "Last-Modified": email.utils.format_datetime(newest, usegmt=True)}
            if headers.get("If-None-Match") == etag:
                return 304, b"", validators
            return 200, body, {"Content-Type": "application/rss+xml; charset=utf-8", **validators}
        if path.startswith("/articles/") and path.endswith(".html") and path[10:-5] in self.articles:
            a = self.articles[path[10:-5]]
            if a.published <= self.now:
                return 200, render_page(self.feeds[a.feed], a), {"Content-Type": "text/html; charset=utf-8"}
        return 404, b"not found", {"Content-Type": "text/plain"}


class WebhookSink(LoopbackServer):
    """A webhook receiver on 127.0.0.1 that keeps every post (headers and body)."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, 10_000_000))
                with sink.lock:
                    sink.posts.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                                       "json": _json_or_none(body)})
                reply(self, 200, b"ok", {"Content-Type": "text/plain"})

        super().__init__(Handler)
        self.url = f"{self.base}/hook"


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
