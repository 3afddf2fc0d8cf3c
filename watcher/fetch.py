"""HTTP, the one stage that talks to news sites: conditional GET, timeouts and a cap on the body's size."""

from __future__ import annotations

import requests

from watcher import __version__
from watcher.config import FetchSettings
from watcher.errors import FetchError
from watcher.models import FetchResult

USER_AGENT = f"kuril-watcher/{__version__} (+https://github.com/kuril-watcher)"


def new_session(settings: FetchSettings) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = settings.user_agent or USER_AGENT
    session.headers["Accept-Encoding"] = "gzip, deflate"
    return session


def fetch(session: requests.Session, url: str, settings: FetchSettings, etag: str | None = None,
          last_modified: str | None = None, accept: str = "*/*") -> FetchResult:
    """GET `url`; with the validators of the last response, a 304 comes back as `not_modified`."""
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with session.get(url, headers=headers, stream=True, allow_redirects=True,
                         timeout=(settings.connect_timeout, settings.read_timeout)) as response:
            if response.status_code == 304:
                return FetchResult(url, 304, etag=response.headers.get("ETag", etag),
                                   last_modified=response.headers.get("Last-Modified", last_modified),
                                   not_modified=True)
            if response.status_code >= 400:
                next(response.iter_content(65536), b"")  # read a short error body: closing unread resets
                raise FetchError(f"HTTP {response.status_code} {response.reason or ''}".strip()
                                 + f" from {url}", status=response.status_code)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                raise FetchError(f"response of {int(declared):,} bytes is over the limit of "
                                 f"{settings.max_bytes:,} ([fetch] max_bytes)", status=response.status_code)
            body = bytearray()
            for chunk in response.iter_content(65536):
                body += chunk
                if len(body) > settings.max_bytes:
                    raise FetchError(f"response is over the limit of {settings.max_bytes:,} bytes "
                                     "([fetch] max_bytes)", status=response.status_code)
            return FetchResult(url, response.status_code, bytes(body), response.headers.get("Content-Type", ""),
                               etag=response.headers.get("ETag"),
                               last_modified=response.headers.get("Last-Modified"))
    except requests.Timeout:
        raise FetchError(f"timed out after {settings.connect_timeout:g}s connect / {settings.read_timeout:g}s "
                         f"read: {url}") from None
    except requests.ConnectionError as e:
        raise FetchError(f"cannot connect to {url}: {_reason(e)}") from None
    except requests.RequestException as e:
        raise FetchError(f"request to {url} failed: {_reason(e)}") from None


def _reason(error: Exception) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "No route to host", "timed out",
                   "Temporary failure in name resolution", "Remote end closed"):
        if marker in text:
            return marker
    return text[:200]
