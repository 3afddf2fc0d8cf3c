"""The archive: one SQLite file written through sqlite-utils, readable with `sqlite-utils` as it is.

Tables: feeds (health and validators), articles (every fetched item, relevant or not, FTS5 over title and
text), article_events (evidence per event), stories, status (current value per dimension), status_changes,
digests and deliveries (one row per digest and channel). The store's insert returns only what is new.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from watcher.config import FeedConfig
from watcher.dedupe import Candidate, Signature, StoryKey
from watcher.errors import ArchiveError
from watcher.models import (
    Article,
    Classification,
    Digest,
    DimensionState,
    EventMatch,
    Evidence,
    StoredArticle,
)

SCHEMA_VERSION = 2
Row = dict[str, Any]


def _migrate_1_to_2(db: sqlite_utils.Database) -> None:
    """0.2.0: article_events gets `role`: "news" for what the article reports, "recap" for what it recaps.
    Every event archived before was stored as news."""
    if "role" not in db.table("article_events").columns_dict:
        db.execute("ALTER TABLE article_events ADD COLUMN role TEXT NOT NULL DEFAULT 'news'")


# Each step takes the archive from version N to N + 1; `open_archive` runs those it needs, in one transaction.
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: _migrate_1_to_2}


def iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def inserted_id(table: sqlite_utils.db.Table) -> int:
    """The rowid of the row `table` just inserted."""
    if not isinstance(table.last_pk, int):
        raise ArchiveError(f"insert into {table.name} returned no id")
    return table.last_pk


def parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class Archive:
    def __init__(self, db: sqlite_utils.Database, path: str) -> None:
        self.db, self.path = db, path

    # ------------------------------------------------------------------------------------ setting up
    def ensure_schema(self) -> None:
        db = self.db
        db.table("feeds").create({
            "name": str, "url": str, "kind": str, "interval_minutes": float, "last_polled": str,
            "last_status": str, "last_error": str, "consecutive_errors": int, "next_due": str, "etag": str,
            "last_modified": str, "last_success": str, "articles_total": int,
        }, pk="name", if_not_exists=True, defaults={"consecutive_errors": 0, "articles_total": 0})
        db.table("stories").create({
            "id": int, "title": str, "lead_type": str, "effective_date": str, "first_published": str,
            "last_published": str, "article_count": int, "created_at": str,
        }, pk="id", if_not_exists=True)
        db.table("articles").create({
            "id": int, "feed": str, "guid": str, "url": str, "canonical_url": str, "title": str, "summary": str,
            "text": str, "lang": str, "published": str, "date_source": str, "fetched_at": str, "relevant": int,
            "relevance": float, "qualifiers": str, "signature": str, "duplicate_of": int, "story_id": int,
            "extract_error": str, "status_applied": int,
        }, pk="id", if_not_exists=True, foreign_keys=[("duplicate_of", "articles", "id"),
                                                       ("story_id", "stories", "id")])
        db.table("article_events").create({
            "id": int, "article_id": int, "type": str, "score": float, "effective_date": str, "evidence": str,
            "position": int, "is_lead": int, "role": str,
        }, pk="id", if_not_exists=True, foreign_keys=[("article_id", "articles", "id")], defaults={"role": "news"},
            not_null={"role"})
        db.table("status").create({
            "dimension": str, "value": str, "since": str, "evidence_date": str, "evidence": str, "updated_at": str,
        }, pk="dimension", if_not_exists=True)
        db.table("digests").create({  # body: the json webhook body, exactly as delivered
            "id": int, "created_at": str, "baseline": int, "subject": str, "body": str,
        }, pk="id", if_not_exists=True)
        db.table("status_changes").create({
            "id": int, "dimension": str, "from_value": str, "to_value": str, "effective_date": str,
            "detected_at": str, "evidence": str, "digest_id": int,
        }, pk="id", if_not_exists=True, foreign_keys=[("digest_id", "digests", "id")])
        db.table("deliveries").create({
            "id": int, "digest_id": int, "channel": str, "state": str, "attempts": int, "last_error": str,
            "last_attempt": str, "next_attempt": str, "sent_at": str,
        }, pk="id", if_not_exists=True, foreign_keys=[("digest_id", "digests", "id")],
            defaults={"attempts": 0, "state": "pending"})
        for table, columns, unique in [
            ("articles", ["canonical_url"], False), ("articles", ["feed", "guid"], False),
            ("articles", ["published"], False), ("articles", ["status_applied"], False),
            ("article_events", ["article_id"], False), ("stories", ["lead_type", "effective_date"], False),
            ("deliveries", ["digest_id", "channel"], True), ("deliveries", ["state"], False),
        ]:
            db.table(table).create_index(columns, unique=unique, if_not_exists=True)
        if not db.table("articles_fts").exists():
            # trigram: substring search that works for Japanese and Russian inflections as well as English
            db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize="trigram")
        db.table("_watcher").create({"key": str, "value": str}, pk="key", if_not_exists=True)
        db.table("_watcher").upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")

    def schema_version(self) -> int | None:
        """The version recorded in the archive; None for a new, empty file."""
        if not self.db.table("_watcher").exists():
            return None if not self.db.table_names() else 0
        row = self.db.execute("SELECT value FROM _watcher WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> list[int]:
        """Bring an archive made by an older version up to SCHEMA_VERSION; the steps run, by their version."""
        version = self.schema_version()
        if version is None:
            return []
        if version > SCHEMA_VERSION:
            raise ArchiveError(f"the archive {self.path} was made by a newer watcher (schema {version}, this one "
                               f"reads {SCHEMA_VERSION}); upgrade the watcher, or name another [storage] database")
        if version < 1:
            raise ArchiveError(f"{self.path} is a SQLite file but not a watcher archive (no schema version); "
                               "name another [storage] database")
        ran = []
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](self.db)
            ran.append(step + 1)
        return ran

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as e:
            raise ArchiveError(f"cannot write the archive {self.path}: {e}; check free disk space and "
                               "permissions") from None

    # ------------------------------------------------------------------------------------ feeds
    def sync_feeds(self, feeds: tuple[FeedConfig, ...]) -> None:
        """The configured feeds as rows; health columns of known feeds are kept."""
        self.db.table("feeds").upsert_all([{"name": f.name, "url": f.url, "kind": f.kind,
                                            "interval_minutes": f.interval_minutes} for f in feeds], pk="name")

    def validators(self, feed: FeedConfig) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified of the feed's last good response, if it was for the same URL."""
        rows = list(self.db.query("SELECT url, etag, last_modified FROM feeds WHERE name = ?", [feed.name]))
        if not rows or rows[0]["url"] != feed.url:
            return None, None
        return rows[0]["etag"], rows[0]["last_modified"]

    def record_poll(self, feed: FeedConfig, now: dt.datetime, status: int, etag: str | None,
                    last_modified: str | None, added: int) -> None:
        self.db.execute(
            "UPDATE feeds SET last_polled = ?, last_status = ?, last_error = NULL, consecutive_errors = 0, "
            "next_due = ?, etag = ?, last_modified = ?, last_success = ?, articles_total = articles_total + ? "
            "WHERE name = ?",
            [iso(now), str(status), iso(now + dt.timedelta(minutes=feed.interval_minutes)), etag, last_modified,
             iso(now), added, feed.name])

    def record_failure(self, feed: FeedConfig, now: dt.datetime, error: str, status: int | None) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE feeds SET last_polled = ?, last_status = ?, last_error = ?, "
                "consecutive_errors = consecutive_errors + 1, next_due = ? WHERE name = ?",
                [iso(now), str(status) if status else "error", error,
                 iso(now + dt.timedelta(minutes=feed.interval_minutes)), feed.name])

    def feeds(self) -> list[Row]:
        return list(self.db.query("SELECT * FROM feeds ORDER BY name"))

    # ------------------------------------------------------------------------------------ articles
    def unknown(self, articles: list[Article]) -> list[Article]:
        """Those not yet archived (by feed and GUID, or by canonical URL), each once."""
        fresh, seen = [], set()
        for a in articles:
            key = a.canonical_url or a.guid
            if key in seen:
                continue
            seen.add(key)
            hit = self.db.execute(
                "SELECT 1 FROM articles WHERE (feed = ? AND guid = ?) OR (canonical_url = ? AND ? != '') LIMIT 1",
                [a.feed, a.guid, a.canonical_url, a.canonical_url]).fetchone()
            if not hit:
                fresh.append(a)
        return fresh

    def copy_candidates(self, since: dt.datetime) -> list[Candidate]:
        rows = self.db.execute("SELECT id, signature, duplicate_of, story_id FROM articles "
                               "WHERE published >= ? AND signature != ''", [iso(since)]).fetchall()
        return [Candidate(r[0], tuple(json.loads(r[1])), r[2], r[3]) for r in rows]

    def story_keys(self, since: dt.date) -> list[StoryKey]:
        rows = self.db.execute("SELECT id, lead_type, effective_date FROM stories WHERE effective_date >= ?",
                               [since.isoformat()]).fetchall()
        return [StoryKey(r[0], r[1], dt.date.fromisoformat(r[2])) for r in rows]

    def insert_article(self, article: Article, classification: Classification, sig: Signature,
                       duplicate_of: int | None, story_id: int | None,
                       fetched_at: dt.datetime) -> tuple[int, int | None]:
        """Archive one article with its events; open a story for it when it leads a new one.
        Returns the article's id and its story's (None for an irrelevant article)."""
        lead = classification.lead_event()
        if not classification.relevant:
            story_id = None
        elif story_id is None and lead is not None:
            story_id = inserted_id(self.db.table("stories").insert({
                "title": article.title, "lead_type": lead.type, "effective_date": iso(lead.effective_date),
                "first_published": iso(article.published), "last_published": iso(article.published),
                "article_count": 0, "created_at": iso(fetched_at)}))
        article_id = inserted_id(self.db.table("articles").insert({
            "feed": article.feed, "guid": article.guid, "url": article.url, "canonical_url": article.canonical_url,
            "title": article.title, "summary": article.summary, "text": article.text, "lang": article.lang,
            "published": iso(article.published), "date_source": article.date_source,
            "fetched_at": iso(fetched_at), "relevant": int(classification.relevant),
            "relevance": classification.relevance, "qualifiers": json.dumps(sorted(classification.qualifiers)),
            "signature": json.dumps(list(sig)), "duplicate_of": duplicate_of,
            "story_id": story_id, "extract_error": article.extract_error,
            "status_applied": 0 if classification.relevant else 1,
        }))
        self.db.table("article_events").insert_all(
            [_event_row(article_id, e, "news", e is lead) for e in classification.events]
            + [_event_row(article_id, e, "recap", False) for e in classification.recaps])
        if story_id is not None:
            self.db.execute("UPDATE stories SET article_count = article_count + 1, "
                            "last_published = max(last_published, ?) WHERE id = ?",
                            [iso(article.published), story_id])
        return article_id, story_id

    def pending_for_status(self) -> list[StoredArticle]:
        """Relevant articles archived but not yet taken into the status, oldest first."""
        rows = list(self.db.query("SELECT * FROM articles WHERE status_applied = 0 ORDER BY published, id"))
        return [self._stored(r) for r in rows]

    def mark_status_applied(self, ids: list[int]) -> None:
        self.db.execute(f"UPDATE articles SET status_applied = 1 WHERE id IN ({','.join('?' * len(ids))})", ids)

    def _stored(self, row: Row) -> StoredArticle:
        events = tuple(EventMatch(type=e["type"], score=e["score"], evidence=tuple(json.loads(e["evidence"])),
                                  effective_date=dt.date.fromisoformat(e["effective_date"]), position=e["position"])
                       for e in self.db.query("SELECT * FROM article_events WHERE article_id = ? AND role = 'news' "
                                              "ORDER BY id", [row["id"]]))
        article = Article(feed=row["feed"], guid=row["guid"], url=row["url"], canonical_url=row["canonical_url"],
                          title=row["title"], text=row["text"] or "", published=parse_iso(row["published"]),
                          date_source=row["date_source"], lang=row["lang"], summary=row["summary"] or "",
                          extract_error=row["extract_error"])
        classification = Classification(relevant=bool(row["relevant"]), relevance=row["relevance"], events=events,
                                        lang=row["lang"], qualifiers=frozenset(json.loads(row["qualifiers"])))
        return StoredArticle(row["id"], article, classification, row["duplicate_of"], row["story_id"])

    def articles(self, since: dt.date | None = None, where: str = "", params: list[Any] | None = None) -> list[Row]:
        clauses, args = [], list(params or [])
        if since is not None:
            clauses.append("a.published >= ?")
            args.insert(0, since.isoformat())
        if where:
            clauses.append(where)
        sql = ("SELECT a.id, a.url, a.title, a.published, a.feed, a.lang, a.relevant, a.relevance, a.story_id, "
               "a.duplicate_of, (SELECT json_group_array(type) FROM (SELECT type FROM article_events e "
               "WHERE e.article_id = a.id AND e.role = 'news' ORDER BY e.position, e.id)) AS event_types, "
               "(SELECT json_group_array(type) FROM (SELECT type FROM article_events e "
               "WHERE e.article_id = a.id AND e.role = 'recap' ORDER BY e.position, e.id)) AS recaps FROM articles a"
               + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY a.published, a.id")
        return [article_row(r) for r in self.db.query(sql, args)]

    def search(self, query: str) -> list[Row]:
        """Articles matching a full-text query; a term under three characters falls back to a substring scan."""
        if len(query.strip()) < 3:
            like = f"%{query.strip()}%"
            return self.articles(where="(a.title LIKE ? OR a.text LIKE ?)", params=[like, like])
        quoted = " ".join('"' + t.replace('"', '""') + '"' for t in query.split())
        try:
            ids = [r[0] for r in self.db.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank", [quoted]).fetchall()]
        except sqlite3.OperationalError as e:
            raise ArchiveError(f"cannot search for {query!r}: {e}") from None
        if not ids:
            return []
        rows = {r["id"]: r for r in self.articles(where=f"a.id IN ({','.join('?' * len(ids))})", params=ids)}
        return [rows[i] for i in ids if i in rows]

    # ------------------------------------------------------------------------------------ status
    def status(self) -> dict[str, DimensionState]:
        out = {}
        for r in self.db.query("SELECT * FROM status"):
            out[r["dimension"]] = DimensionState(
                value=r["value"], since=dt.date.fromisoformat(r["since"]) if r["since"] else None,
                evidence_date=dt.date.fromisoformat(r["evidence_date"]) if r["evidence_date"] else None,
                evidence=tuple(Evidence(**e) for e in json.loads(r["evidence"] or "[]")))
        return out

    def has_history(self) -> bool:
        return bool(self.db.table("digests").count)  # status changes are only ever written with a digest

    def save_status(self, status: dict[str, DimensionState], now: dt.datetime) -> None:
        self.db.table("status").upsert_all([{
            "dimension": name, "value": s.value, "since": iso(s.since), "evidence_date": iso(s.evidence_date),
            "evidence": json.dumps([e.__dict__ for e in s.evidence], ensure_ascii=False), "updated_at": iso(now),
        } for name, s in status.items()], pk="dimension")

    def add_digest(self, digest: Digest, subject: str, body_for: Callable[[int], dict[str, Any]],
                   channels: list[str]) -> int:
        """Record a digest, its status changes and a pending delivery per channel; `body_for(id)` is its body."""
        digests = self.db.table("digests")
        digest_id = inserted_id(digests.insert({"created_at": iso(digest.generated_at),
                                                "baseline": int(digest.baseline), "subject": subject}))
        digests.update(digest_id, {"body": json.dumps(body_for(digest_id), ensure_ascii=False)})
        self.db.table("status_changes").insert_all([{
            "dimension": c.dimension, "from_value": c.from_value, "to_value": c.to_value,
            "effective_date": iso(c.effective_date), "detected_at": iso(digest.generated_at),
            "evidence": json.dumps([e.__dict__ for e in c.evidence], ensure_ascii=False), "digest_id": digest_id,
        } for c in digest.changes])
        self.db.table("deliveries").insert_all([{"digest_id": digest_id, "channel": ch, "state": "pending",
                                           "attempts": 0, "next_attempt": iso(digest.generated_at)}
                                          for ch in channels])
        return digest_id

    # ------------------------------------------------------------------------------------ digests
    def digest(self, digest_id: int) -> tuple[str, dict[str, Any]]:
        """A digest's subject and body."""
        row = self.db.table("digests").get(digest_id)
        return row["subject"], json.loads(row["body"])

    def due_deliveries(self, now: dt.datetime) -> list[Row]:
        return list(self.db.query(
            "SELECT * FROM deliveries WHERE state = 'pending' AND (next_attempt IS NULL OR next_attempt <= ?) "
            "ORDER BY digest_id, id", [iso(now)]))

    def record_delivery(self, delivery_id: int, now: dt.datetime, error: str | None, max_attempts: int,
                        retry_minutes: float) -> str:
        row = self.db.table("deliveries").get(delivery_id)
        attempts = row["attempts"] + 1
        if error is None:
            state, next_attempt = "sent", None
        elif attempts >= max_attempts:
            state, next_attempt = "failed", None
        else:
            state, next_attempt = "pending", now + dt.timedelta(minutes=retry_minutes * 2 ** (attempts - 1))
        self.db.table("deliveries").update(delivery_id, {
            "state": state, "attempts": attempts, "last_error": error, "last_attempt": iso(now),
            "next_attempt": iso(next_attempt), "sent_at": iso(now) if error is None else None})
        return state

    def digests(self) -> list[Row]:
        rows = self.db.query(
            "SELECT d.id, d.created_at, d.baseline, d.subject, d.body, v.channel, v.state, v.attempts, "
            "v.last_error, v.sent_at FROM digests d LEFT JOIN deliveries v ON v.digest_id = d.id "
            "ORDER BY d.id, v.channel")
        return [{
            "id": r["id"], "created_at": r["created_at"], "baseline": bool(r["baseline"]), "subject": r["subject"],
            "channel": r["channel"], "state": r["state"] or "pending", "attempts": r["attempts"] or 0,
            "last_error": r["last_error"], "sent_at": r["sent_at"], "changes": json.loads(r["body"])["changes"],
            "events": json.loads(r["body"])["events"],
        } for r in rows]


def _event_row(article_id: int, e: EventMatch, role: str, is_lead: bool) -> Row:
    return {"article_id": article_id, "type": e.type, "score": e.score, "effective_date": iso(e.effective_date),
            "evidence": json.dumps(list(e.evidence), ensure_ascii=False), "position": e.position,
            "is_lead": int(is_lead), "role": role}


def article_row(r: Row) -> Row:
    return {"id": r["id"], "url": r["url"], "title": r["title"], "published": r["published"], "feed": r["feed"],
            "lang": r["lang"], "relevant": bool(r["relevant"]), "relevance": r["relevance"],
            "event_types": json.loads(r["event_types"] or "[]"), "recaps": json.loads(r.get("recaps") or "[]"),
            "story_id": r["story_id"],
            "duplicate_of": r["duplicate_of"]}


def open_archive(path: str) -> Archive:
    """Open (creating if needed) the archive at `path`; an unusable path is an ArchiveError that says why."""
    target = Path(path)
    if target.is_dir():
        raise ArchiveError(f"the archive path {path} is a folder; set [storage] database to a file path")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # autocommit at the driver: only `transaction()` (sqlite-utils' atomic) opens transactions
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        archive = Archive(sqlite_utils.Database(conn), path)
        with archive.transaction():
            archive.migrate()
            archive.ensure_schema()
    except (OSError, sqlite3.Error) as e:
        raise ArchiveError(f"cannot open the archive {path}: {e}; check that the folder exists, is writable "
                           "and that the file is a SQLite database") from None
    return archive
