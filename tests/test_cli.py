"""The command line: help for every command, --config before or after, WATCHER_CONFIG, classify's lines."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.conftest import invoke, json_out, write_config
from watcher import __version__
from watcher.cli import cli


@pytest.mark.parametrize("name", sorted(cli.commands))  # type: ignore[attr-defined]
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]  # type: ignore[attr-defined]
    assert isinstance(command, click.Command) and command.help and len(command.help) > 20


def test_version(runner: CliRunner) -> None:
    assert __version__ in invoke(runner, None, "--version").output


def test_config_before_after_and_from_environment(tmp_path: Path, runner: CliRunner,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write_config(tmp_path / "w.toml", [("one", "http://127.0.0.1:9/feed.xml")])
    assert [f["name"] for f in json_out(runner, cfg, "feeds")] == ["one"]
    after = runner.invoke(cli, ["feeds", "--json", "--config", str(cfg)])
    assert [f["name"] for f in json.loads(after.stdout)] == ["one"]
    monkeypatch.setenv("WATCHER_CONFIG", str(cfg))
    assert [f["name"] for f in json_out(runner, None, "feeds")] == ["one"]


def test_missing_default_config_says_what_to_do(tmp_path: Path, runner: CliRunner,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, None, "status")
    assert result.exit_code == 2
    assert "config/watcher.toml: no such file" in result.stderr and "WATCHER_CONFIG" in result.stderr


def test_classify_keeps_one_output_line_per_input_line(runner: CliRunner, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config here: the bundled taxonomy is used
    lines = [json.dumps({"title": "Japan and Russia agree to restart peace treaty talks on the Kuril Islands",
                         "text": "The foreign ministers agreed on Monday to resume negotiations."}),
             "{not json", json.dumps(["a list"]),
             json.dumps({"title": "Рыболовное судно задержано у Кунашира",
                         "text": "Пограничники задержали японское рыболовное судно у острова Кунашир."})]
    result = invoke(runner, None, "classify", "--json", input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["relevant"] and out[0]["event_types"][0]["type"] == "talks_resumed"
    assert "error" in out[1] and "error" in out[2]
    assert out[3]["lang"] == "ru" and [e["type"] for e in out[3]["event_types"]] == ["fishing_incident"]


def test_check_config_reports_and_warns(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write_config(tmp_path / "w.toml", [("one", "https://e.example/f.xml")], hook_url="https://h.example/x")
    monkeypatch.delenv("WATCHER_TEST_SECRET")
    result = invoke(runner, cfg, "check-config")
    assert result.exit_code == 0
    assert "feeds: 1" in result.output and "webhook" in result.output
    assert "WATCHER_TEST_SECRET is not set" in result.output


def test_the_shipped_config_and_taxonomy_are_valid(runner: CliRunner) -> None:
    root = Path(__file__).resolve().parent.parent
    result = invoke(runner, root / "config" / "watcher.toml", "check-config")
    assert result.exit_code == 0, result.output
    assert (root / "config" / "event_types.toml").read_bytes() == \
        (root / "watcher" / "data" / "event_types.toml").read_bytes(), "config/ and the bundled taxonomy differ"


@pytest.mark.parametrize(("text", "message"), [
    ('[storage]\ndatabse = "x"\n', "storage.databse: unknown key (known keys in [storage]: database)"),
    ('[[feeds]]\nname = "a"\nurl = "ftp://x"\n', "feeds[0].url: not an http(s) URL"),
    ('[[feeds]]\nname = "a"\nurl = "https://x.example"\ninterval_minutes = "often"\n',
     "feeds[0].interval_minutes: must be int or float"),
    ('[notify.email]\nsmtp_host = "h"\nsender = "s@x"\nrecipients = []\n', "notify.email.recipients"),
    ('[notify.webhook]\nurl = "https://h.example"\nformat = "teams"\n', "use one of: json, slack, discord"),
    ('[notify.pager]\nurl = "x"\n', "notify.pager: unknown channel"),
    ('[classify]\ntaxonomy = "missing.toml"\n', "missing.toml: no such file"),
])
def test_config_errors_name_file_key_and_fix(tmp_path: Path, runner: CliRunner, text: str, message: str) -> None:
    cfg = tmp_path / "w.toml"
    cfg.write_text(text)
    result = invoke(runner, cfg, "check-config")
    assert result.exit_code == 2
    assert message in result.stderr


def test_taxonomy_errors_name_the_key(tmp_path: Path, runner: CliRunner) -> None:
    root = Path(__file__).resolve().parent.parent
    taxonomy = (root / "config" / "event_types.toml").read_text()
    (tmp_path / "tax.toml").write_text(taxonomy.replace("'\\bkurile\\b'", "'(unclosed'", 1))
    cfg = tmp_path / "w.toml"
    cfg.write_text('[classify]\ntaxonomy = "tax.toml"\n')
    result = invoke(runner, cfg, "check-config")
    assert result.exit_code == 2
    assert "tax.toml: relevance.anchors.en[1]: not a valid regular expression" in result.stderr
