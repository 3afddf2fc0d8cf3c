"""`watcher run`: polls each feed on its schedule as a real process, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.feedserver import FeedServer, Route, rss


def test_run_polls_on_schedule_and_stops_on_sigterm(tmp_path: Path) -> None:
    with FeedServer() as server:
        server.routes["/f.xml"] = Route(rss([{"title": "Russian troops drill on Iturup", "link": server.base + "/1",
                                              "date": "2022-03-25T08:00:00Z",
                                              "description": "Troops held drills on Iturup, in the Kurils."}]))
        cfg = tmp_path / "w.toml"
        cfg.write_text(f'[storage]\ndatabase = "a.db"\n[fetch]\nfetch_article_pages = false\n'
                       f'[[feeds]]\nname = "wire"\nurl = {json.dumps(server.base + "/f.xml")}\n'
                       "interval_minutes = 0.02\n")  # every 1.2 s
        proc = subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(cfg), "run"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and len(server.hits("/f.xml")) < 3:
                time.sleep(0.2)
            assert server.hits("/f.xml")[:3] == [200, 304, 304], server.hits("/f.xml")
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "received SIGTERM" in err and "stopped" in err
    count = sqlite3.connect(tmp_path / "a.db").execute("SELECT count(*) FROM articles").fetchone()[0]
    assert count == 1
