"""The watcher's configuration: `config/watcher.toml` merged over the defaults below, validated at load.

Every error names the file, the key and the fix. Relative paths in a config file resolve against the folder
of that file, so `database = "../state/watcher.db"` means the same wherever `watcher` is started.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watcher.errors import ConfigError

DEFAULT_CONFIG_PATH = "config/watcher.toml"
FEED_KINDS = ("rss", "html")
EMAIL_SECURITY = ("none", "starttls", "ssl")
WEBHOOK_FORMATS = ("json", "slack", "discord")

# key: (accepted types, default); a default of None means optional, REQUIRED means it must be given.
REQUIRED = object()
Schema = dict[str, tuple[tuple[type, ...], Any]]

SECTIONS: dict[str, Schema] = {
    "storage": {"database": ((str,), "../state/watcher.db")},
    "classify": {"taxonomy": ((str,), None)},
    "fetch": {
        "connect_timeout": ((int, float), 10),
        "read_timeout": ((int, float), 30),
        "max_bytes": ((int,), 5_000_000),
        "user_agent": ((str,), None),
        "fetch_article_pages": ((bool,), True),
        "min_text_chars": ((int,), 400),
    },
    "delivery": {"max_attempts": ((int,), 5), "retry_minutes": ((int, float), 5)},
    "dedupe": {"similarity": ((int, float), 0.8), "story_window_days": ((int,), 3)},
}
FEED_SCHEMA: Schema = {
    "name": ((str,), REQUIRED),
    "url": ((str,), REQUIRED),
    "interval_minutes": ((int, float), 30),
    "kind": ((str,), "rss"),
    "lang": ((str,), None),
    "link_selector": ((str,), None),
    "enabled": ((bool,), True),
}
EMAIL_SCHEMA: Schema = {
    "smtp_host": ((str,), REQUIRED),
    "smtp_port": ((int,), None),
    "sender": ((str,), REQUIRED),
    "recipients": ((list,), REQUIRED),
    "security": ((str,), "starttls"),
    "username_env": ((str,), None),
    "password_env": ((str,), None),
    "timeout": ((int, float), 30),
}
WEBHOOK_SCHEMA: Schema = {
    "url": ((str,), REQUIRED),
    "secret_env": ((str,), None),
    "format": ((str,), "json"),
    "timeout": ((int, float), 15),
}


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    interval_minutes: float = 30
    kind: str = "rss"
    lang: str | None = None
    link_selector: str | None = None
    enabled: bool = True


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 10
    read_timeout: float = 30
    max_bytes: int = 5_000_000
    user_agent: str | None = None
    fetch_article_pages: bool = True
    min_text_chars: int = 400


@dataclass(frozen=True)
class EmailSettings:
    smtp_host: str
    sender: str
    recipients: tuple[str, ...]
    smtp_port: int | None = None
    security: str = "starttls"
    username_env: str | None = None
    password_env: str | None = None
    timeout: float = 30


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret_env: str | None = None
    format: str = "json"
    timeout: float = 15


@dataclass(frozen=True)
class Config:
    path: str
    database: str
    taxonomy_path: str | None  # None: the taxonomy bundled with the package
    feeds: tuple[FeedConfig, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    email: EmailSettings | None = None
    webhook: WebhookSettings | None = None
    max_attempts: int = 5
    retry_minutes: float = 5
    similarity: float = 0.8
    story_window_days: int = 3

    def feed(self, name: str) -> FeedConfig:
        for f in self.feeds:
            if f.name == name:
                return f
        known = ", ".join(f.name for f in self.feeds) or "none"
        raise ConfigError(self.path, "feeds", f"no feed named {name!r}", f"configured feeds: {known}")


def config_path(explicit: str | None) -> str:
    """The config file to use: --config, else $WATCHER_CONFIG, else config/watcher.toml."""
    return explicit or os.environ.get("WATCHER_CONFIG") or DEFAULT_CONFIG_PATH


def read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(path, "", "no such file",
                          "pass --config PATH or set WATCHER_CONFIG; `watcher demo` needs no config") from None
    except IsADirectoryError:
        raise ConfigError(path, "", "is a folder, not a TOML file", "pass the path of a .toml file") from None
    except OSError as e:
        raise ConfigError(path, "", f"cannot read: {e.strerror}", "check the file's permissions") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, "", f"not valid TOML: {e}", "fix the syntax at that line") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "", "not UTF-8 text", "save the file as UTF-8") from None


def check_table(path: str, where: str, table: Any, schema: Schema) -> dict[str, Any]:
    """The table's values over the schema's defaults; unknown keys and wrong types are errors."""
    if not isinstance(table, dict):
        raise ConfigError(path, where, f"must be a table, got {type(table).__name__}",
                          f"write it as [{where}] with key = value lines")
    unknown = sorted(set(table) - set(schema))
    if unknown:
        raise ConfigError(path, f"{where}.{unknown[0]}", "unknown key",
                          f"known keys in [{where}]: {', '.join(schema)}")
    out: dict[str, Any] = {}
    for key, (types, default) in schema.items():
        if key not in table:
            if default is REQUIRED:
                raise ConfigError(path, f"{where}.{key}", "missing", f"add {key} = ... to [{where}]")
            out[key] = default
            continue
        value = table[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            names = " or ".join(t.__name__ for t in types)
            raise ConfigError(path, f"{where}.{key}", f"must be {names}, got {value!r}", "fix the value's type")
        out[key] = value
    return out


def one_of(path: str, key: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(path, key, f"unknown value {value!r}", f"use one of: {', '.join(allowed)}")
    return value


def resolve(base_dir: Path, value: str) -> str:
    p = Path(os.path.expanduser(value))
    return str(p if p.is_absolute() else (base_dir / p).resolve())


def load_config(path: str) -> Config:
    raw = read_toml(path)
    base = Path(path).resolve().parent
    known = [*SECTIONS, "feeds", "notify"]
    for key in raw:
        if key not in known:
            raise ConfigError(path, key, "unknown section", f"known sections: {', '.join(known)}")
    sec = {name: check_table(path, name, raw.get(name, {}), schema) for name, schema in SECTIONS.items()}
    if not isinstance(raw.get("feeds", []), list):
        raise ConfigError(path, "feeds", "must be an array of tables", "write each feed as [[feeds]]")
    feeds = tuple(load_feed(path, i, t) for i, t in enumerate(raw.get("feeds", [])))
    names = [f.name for f in feeds]
    for n in names:
        if names.count(n) > 1:
            raise ConfigError(path, "feeds", f"two feeds are named {n!r}", "give each feed a unique name")
    notify = raw.get("notify", {})
    if not isinstance(notify, dict):
        raise ConfigError(path, "notify", "must be a table", "write [notify.email] or [notify.webhook]")
    for key in notify:
        if key not in ("email", "webhook"):
            raise ConfigError(path, f"notify.{key}", "unknown channel", "known channels: email, webhook")
    similarity = float(sec["dedupe"]["similarity"])
    if not 0 < similarity <= 1:
        raise ConfigError(path, "dedupe.similarity", f"must be in (0, 1], got {similarity}", "try 0.8")
    taxonomy = sec["classify"]["taxonomy"]
    return Config(
        path=path,
        database=resolve(base, sec["storage"]["database"]),
        taxonomy_path=resolve(base, taxonomy) if taxonomy else None,
        feeds=feeds,
        fetch=FetchSettings(**sec["fetch"]),
        email=load_email(path, notify["email"]) if "email" in notify else None,
        webhook=load_webhook(path, notify["webhook"]) if "webhook" in notify else None,
        max_attempts=sec["delivery"]["max_attempts"],
        retry_minutes=float(sec["delivery"]["retry_minutes"]),
        similarity=similarity,
        story_window_days=sec["dedupe"]["story_window_days"],
    )


def load_feed(path: str, index: int, table: Any) -> FeedConfig:
    where = f"feeds[{index}]"
    values = check_table(path, where, table, FEED_SCHEMA)
    if not values["name"].strip():
        raise ConfigError(path, f"{where}.name", "is empty", "give the feed a short unique name")
    if not values["url"].startswith(("http://", "https://", "file://")):
        raise ConfigError(path, f"{where}.url", f"not an http(s) URL: {values['url']!r}",
                          "write the full address, starting with https://")
    if values["interval_minutes"] <= 0:
        raise ConfigError(path, f"{where}.interval_minutes", "must be positive", "try 30")
    one_of(path, f"{where}.kind", values["kind"], FEED_KINDS)
    return FeedConfig(**values)


def load_email(path: str, table: Any) -> EmailSettings:
    values = check_table(path, "notify.email", table, EMAIL_SCHEMA)
    one_of(path, "notify.email.security", values["security"], EMAIL_SECURITY)
    recipients = values["recipients"]
    if not recipients or not all(isinstance(r, str) and "@" in r for r in recipients):
        raise ConfigError(path, "notify.email.recipients", "must be a non-empty list of email addresses",
                          'write recipients = ["desk@example.org"]')
    values["recipients"] = tuple(recipients)
    return EmailSettings(**values)


def load_webhook(path: str, table: Any) -> WebhookSettings:
    values = check_table(path, "notify.webhook", table, WEBHOOK_SCHEMA)
    one_of(path, "notify.webhook.format", values["format"], WEBHOOK_FORMATS)
    if not values["url"].startswith(("http://", "https://")):
        raise ConfigError(path, "notify.webhook.url", f"not an http(s) URL: {values['url']!r}",
                          "write the receiver's full address")
    return WebhookSettings(**values)
