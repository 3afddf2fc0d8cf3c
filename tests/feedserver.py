"""A programmable HTTP server on 127.0.0.1 for failure cases: routes map a path to a status, body and headers."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import threading
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from watcher.samples import LoopbackServer, QuietHandler, reply


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    conditional: bool = True  # answer 304 to a matching If-None-Match
    headers: dict[str, str] = field(default_factory=dict)


def rss(items: list[dict[str, str]], title: str = "Test feed") -> bytes:
    """items: dicts with title, link, guid, date (ISO), description."""
    out = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>', f"<title>{escape(title)}</title>",
           "<link>http://127.0.0.1/</link><description>test</description>"]
    for it in items:
        when = dt.datetime.fromisoformat(it["date"].replace("Z", "+00:00"))
        out.append(f"<item><title>{escape(it['title'])}</title><link>{escape(it['link'])}</link>"
                   f"<guid>{escape(it.get('guid', it['link']))}</guid>"
                   f"<pubDate>{email.utils.format_datetime(when)}</pubDate>"
                   f"<description>{escape(it.get('description', ''))}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode()


class FeedServer(LoopbackServer):
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    code, body, headers = 404, b"not found", {"Content-Type": "text/plain"}
                else:
                    etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                    headers = {"Content-Type": route.content_type, "ETag": etag, **route.headers}
                    if route.conditional and route.status == 200 and self.headers.get("If-None-Match") == etag:
                        code, body = 304, b""
                    else:
                        code, body = route.status, route.body
                with server.lock:
                    server.log.append((self.path, code))
                reply(self, code, body, headers)

        super().__init__(Handler)

    def hits(self, path: str) -> list[int]:
        with self.lock:
            return [code for p, code in self.log if p.split("?")[0] == path]
