"""`watcher demo`: the main job on the bundled sample feeds, offline.

The sample outlets are served from 127.0.0.1 and played forward one publication day at a time, so the
watcher meets the story in date order, as a running service would. Every digest goes to a webhook receiver
started on 127.0.0.1 and is printed as it arrives. The archive lands in `state/demo.db`, apart from a real one.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from watcher.config import Config, FeedConfig, FetchSettings, WebhookSettings
from watcher.digest import render_text
from watcher.fetch import new_session
from watcher.pipeline import poll
from watcher.samples import SampleSite, WebhookSink, load_samples
from watcher.store import open_archive
from watcher.taxonomy import load_taxonomy

Echo = Callable[[str], None]


def fresh_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def demo_config(path: Path, site: SampleSite, sink: WebhookSink) -> Config:
    feeds = tuple(FeedConfig(name, site.feed_url(name), 60, "rss", f.lang) for name, f in site.feeds.items())
    return Config(path=str(path.with_suffix(".toml")), database=str(path), taxonomy_path=None, feeds=feeds,
                  fetch=FetchSettings(connect_timeout=5, read_timeout=10), webhook=WebhookSettings(sink.url))


def write_config_for_queries(config: Config) -> Path:
    """A config beside the demo archive, so `watcher --config state/demo.toml status` reads it afterwards."""
    target = Path(config.path)
    lines = ["# Written by `watcher demo`: lets the read commands open the demo archive.",
             "# Its feeds pointed at the demo's own server, which stopped when the demo ended.",
             "[storage]", f"database = {json.dumps(Path(config.database).name)}", ""]
    for f in config.feeds:
        lines += ["[[feeds]]", f"name = {json.dumps(f.name)}", f"url = {json.dumps(f.url)}", "interval_minutes = 60",
                  ""]
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def command_dir() -> str:
    """Where the running `watcher` lives, as the user can type it ("" when it is on PATH)."""
    exe = Path(sys.argv[0])
    if exe.name != "watcher" or not exe.is_file() or shutil.which("watcher") == str(exe.resolve()):
        return ""
    try:
        return f"{exe.parent.resolve().relative_to(Path.cwd())}/"
    except ValueError:
        return f"{exe.parent}/"


def run_demo(database: str, echo: Echo = print) -> int:
    """Play the sample story through the watcher; the number of digests delivered."""
    path = Path(database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh_database(path)
    feeds, articles = load_samples()
    taxonomy = load_taxonomy(None)
    days = sorted({a.published.date() for a in articles})
    echo(f"Kuril watcher demo: {len(articles)} sample articles from {len(feeds)} outlets, "
         f"{days[0]} to {days[-1]}, served from 127.0.0.1 and polled one day at a time.")
    with SampleSite(feeds, articles) as site, WebhookSink() as sink:
        config = demo_config(path, site, sink)
        archive = open_archive(str(path))
        session = new_session(config.fetch)
        echo(f"Archive: {path}\n")
        for day in days:
            moment = dt.datetime.combine(day, dt.time(23, 59), dt.UTC)
            site.now = moment
            seen = len(sink.posts)
            report = poll(config, archive, taxonomy, session, clock=lambda m=moment: m)  # type: ignore[misc]
            failed = [f for f in report.feeds if f.state == "error"]
            relevant = sum(f.relevant for f in report.feeds)
            echo(f"{day}  {report.new_articles} new, {relevant} about the dispute"
                 + (f"; {len(failed)} feeds failed" if failed else ""))
            for post in sink.posts[seen:]:
                body = post["json"]
                subject, _body = archive.digest(body["digest_id"])
                echo("\n" + "\n".join("    " + line for line in render_text(taxonomy, body, subject).splitlines())
                     + "\n")
        counts = archive.db.execute(
            "SELECT count(*), sum(relevant), sum(duplicate_of IS NOT NULL), count(DISTINCT story_id) "
            "FROM articles").fetchone()
        digests = len(sink.posts)
        archive.db.close()
    write_config_for_queries(config)
    echo(f"Done: {counts[0]} articles archived, {counts[1]} about the dispute, {counts[2]} copies recognized, "
         f"{counts[3]} stories; {digests} digests delivered to the local webhook.")
    echo("Look around:")
    rel, bin_dir = Path(database), command_dir()
    echo(f"  {bin_dir}watcher --config {rel.with_suffix('.toml')} status")
    echo(f"  {bin_dir}watcher --config {rel.with_suffix('.toml')} articles --relevant")
    echo(f"  {bin_dir}sqlite-utils search {rel} articles kunashir")
    return digests
