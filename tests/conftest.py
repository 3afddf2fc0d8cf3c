"""Real parts: feed servers and a webhook receiver on 127.0.0.1, aiosmtpd for email, SQLite files in tmp_path."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from watcher.cli import cli
from watcher.samples import SampleSite, WebhookSink, load_samples

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SECRET_ENV = "WATCHER_TEST_SECRET"
SECRET = "s3cret-for-tests"


class SmtpSink:
    """aiosmtpd on 127.0.0.1, keeping each message it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
                with sink.lock:
                    sink.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                          "data": envelope.original_content or envelope.content})
                return "250 Message accepted"

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, ready_timeout=10)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()


@pytest.fixture
def samples() -> tuple[list[Any], list[Any]]:
    return load_samples()


@pytest.fixture
def site(samples: tuple[list[Any], list[Any]]) -> Iterator[SampleSite]:
    with SampleSite(*samples) as s:
        yield s


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    with WebhookSink() as h:
        yield h


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        yield s


def write_config(path: Path, feeds: list[tuple[str, str]], *, smtp_port: int | None = None,
                 hook_url: str | None = None, extra: str = "") -> Path:
    lines = ["[storage]", 'database = "archive.db"', "", "[fetch]", "connect_timeout = 3", "read_timeout = 5", ""]
    for name, url in feeds:
        lines += ["[[feeds]]", f"name = {json.dumps(name)}", f"url = {json.dumps(url)}", "interval_minutes = 15", ""]
    if smtp_port:
        lines += ["[notify.email]", 'smtp_host = "127.0.0.1"', f"smtp_port = {smtp_port}", 'security = "none"',
                  'sender = "watcher@localhost"', 'recipients = ["desk@localhost"]', ""]
    if hook_url:
        lines += ["[notify.webhook]", f"url = {json.dumps(hook_url)}", f"secret_env = {json.dumps(SECRET_ENV)}", ""]
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    monkeypatch.delenv("WATCHER_CONFIG", raising=False)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    return CliRunner()


def invoke(runner: CliRunner, config: Path | None, *args: str, input: str | None = None) -> Result:
    argv = (["--config", str(config)] if config else []) + list(args)
    return runner.invoke(cli, argv, input=input, catch_exceptions=False)


def json_out(runner: CliRunner, config: Path | None, *args: str) -> Any:
    result = invoke(runner, config, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
