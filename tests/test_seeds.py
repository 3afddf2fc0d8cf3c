"""The five original seed articles, read from ../shared/seeds/, get the event types its README lists."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS, invoke

# From ../shared/seeds/README.md: file prefix -> (publication date, event types it should get)
EXPECTED = {
    "004": ("2021-04-27", {"sovereignty_statement", "talks_resumed"}),
    "002": ("2019-04-03", {"diplomatic_protest", "military_exercise"}),
    "003": ("2022-03-22", {"talks_suspended", "exchanges_suspended", "joint_activities_suspended", "sanctions",
                           "diplomatic_protest"}),
    "000": ("2022-04-22", {"sovereignty_statement", "talks_suspended", "exchanges_suspended",
                           "joint_activities_suspended", "military_exercise", "sanctions"}),
    "001": ("2022-04-22", {"sovereignty_statement", "talks_suspended", "exchanges_suspended",
                           "joint_activities_suspended", "diplomatic_protest", "sanctions"}),
}

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds/ is not beside this checkout")


def test_seed_articles_get_their_event_types(runner: CliRunner) -> None:
    files = {p.name[:3]: p for p in sorted(SEEDS.glob("0*.txt"))}
    assert set(files) == set(EXPECTED)
    lines = []
    for prefix, (published, _types) in EXPECTED.items():
        title, _, text = files[prefix].read_text(encoding="utf-8").strip().partition("\n")
        lines.append(json.dumps({"title": title, "text": text, "published": published}))
    result = invoke(runner, None, "classify", "--json", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(EXPECTED)
    for (prefix, (_published, expected)), out in zip(EXPECTED.items(), outputs, strict=True):
        assert out["relevant"] is True, prefix
        assert {e["type"] for e in out["event_types"]} == expected, prefix


def test_seed_wording_qualifiers(runner: CliRunner) -> None:
    files = {p.name[:3]: p for p in SEEDS.glob("0*.txt")}
    lines = []
    for prefix in ("004", "000"):
        title, _, text = files[prefix].read_text(encoding="utf-8").strip().partition("\n")
        lines.append(json.dumps({"title": title, "text": text, "published": EXPECTED[prefix][0]}))
    result = invoke(runner, None, "classify", "--json", input="\n".join(lines))
    bluebook_2021, bluebook_2022 = (json.loads(line) for line in result.stdout.splitlines())
    assert bluebook_2021["qualifiers"] == ["japan_document"]
    assert bluebook_2022["qualifiers"] == ["illegal_occupation", "japan_document"]
