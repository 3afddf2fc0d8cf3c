"""`watcher run`: APScheduler runs one job per feed at its interval; SIGTERM or SIGINT stop it cleanly.

Jobs run one at a time (a single worker): the archive is one SQLite file, and a cycle's status and digest
must see every article stored before it. A job that fails unexpectedly is logged and runs again next time.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from watcher.config import Config, FeedConfig
from watcher.errors import WatcherError
from watcher.fetch import new_session
from watcher.pipeline import poll
from watcher.store import open_archive
from watcher.taxonomy import load_taxonomy

log = logging.getLogger("watcher.run")


def poll_one(config: Config, feed: FeedConfig, lock: threading.Lock) -> None:
    with lock:
        try:
            archive = open_archive(config.database)
            try:
                report = poll(config, archive, load_taxonomy(config.taxonomy_path), new_session(config.fetch),
                              feeds=[feed])
            finally:
                archive.db.close()
        except WatcherError as e:
            log.error("feed %s: %s", feed.name, e)
            return
        for f in report.feeds:
            log.info("feed %s: %s, %d new, %d relevant%s", f.feed, f.state, f.new, f.relevant,
                     f" ({f.error})" if f.error else "")
        for d in report.deliveries:
            log.info("digest %s via %s: %s", d.digest_id, d.channel, d.state)


def build_scheduler(config: Config) -> BlockingScheduler:
    scheduler = BlockingScheduler(executors={"default": ThreadPoolExecutor(max_workers=1)}, timezone=dt.UTC)
    lock = threading.Lock()
    now = dt.datetime.now(dt.UTC)
    for i, feed in enumerate(f for f in config.feeds if f.enabled):
        scheduler.add_job(
            poll_one, IntervalTrigger(minutes=feed.interval_minutes, timezone=dt.UTC), args=[config, feed, lock],
            id=f"feed:{feed.name}", name=feed.name, max_instances=1, coalesce=True,
            misfire_grace_time=max(60, int(feed.interval_minutes * 60)),
            next_run_time=now + dt.timedelta(seconds=2 * i))  # first polls now, a little apart
    return scheduler


def run_daemon(config: Config) -> None:
    logging.getLogger("watcher").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler = build_scheduler(config)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, stopping after the running job", signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("watching %d feeds; archive %s", len(scheduler.get_jobs()), config.database)
    scheduler.start()
    log.info("stopped")
