"""`watcher demo`: the main job on the bundled samples, offline, then readable with the normal commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import invoke, json_out


def test_demo_tells_the_story_and_leaves_a_queryable_archive(tmp_path: Path, runner: CliRunner) -> None:
    database = tmp_path / "state" / "demo.db"
    result = invoke(runner, None, "demo", "--database", str(database))
    assert result.exit_code == 0, result.output
    assert result.output.count("Digest ") == 3
    assert "3 digests delivered to the local webhook" in result.output
    assert "Kuril watcher baseline: Peace-treaty talks active" in result.output

    config = database.with_suffix(".toml")
    status = json_out(runner, config, "status")["dimensions"]
    assert status["peace_talks"]["value"] == "suspended"
    assert status["japan_official_wording"]["value"] == "illegally_occupied"
    hits = json_out(runner, config, "search", "Кунашир")
    assert hits and all(h["lang"] == "ru" for h in hits)

    again = invoke(runner, None, "demo", "--database", str(database))  # replaces the demo archive, same story
    assert again.exit_code == 0 and again.output.count("Digest ") == 3
