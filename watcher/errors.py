"""One error tree; third-party errors are translated where they enter.

    WatcherError
    ├── ConfigError        a config or taxonomy file is unreadable or invalid (names file, key and fix)
    ├── ArchiveError       the SQLite archive cannot be opened or written
    ├── FeedError          one feed failed this cycle; recorded on the feed, the cycle goes on
    │   ├── FetchError     network, HTTP status, size cap
    │   └── ParseError     the body is not a usable feed or listing page
    ├── ExtractError       an article page could not be fetched or read (the summary is kept)
    └── DeliveryError      a digest was not accepted by a channel (retried later)
"""

from __future__ import annotations


class WatcherError(Exception):
    """Base of every error the watcher raises on purpose."""


class ConfigError(WatcherError):
    def __init__(self, path: str, key: str, problem: str, fix: str = "") -> None:
        self.path, self.key, self.problem, self.fix = path, key, problem, fix
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(where + problem + (f" ({fix})" if fix else ""))


class ArchiveError(WatcherError):
    pass


class FeedError(WatcherError):
    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class FetchError(FeedError):
    pass


class ParseError(FeedError):
    pass


class ExtractError(WatcherError):
    pass


class DeliveryError(WatcherError):
    pass
