"""The five original seed articles, read from ../shared/seeds/, get the event types its README lists."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS, invoke

# From ../shared/seeds/README.md: file prefix -> (publication date, what it reports as news, what it recaps)
EXPECTED = {
    "004": ("2021-04-27", {"sovereignty_statement", "talks_resumed"}, set()),
    "002": ("2019-04-03", {"diplomatic_protest", "military_exercise"}, {"talks_resumed"}),
    "003": ("2022-03-22", {"talks_suspended", "exchanges_suspended", "joint_activities_suspended", "sanctions",
                           "diplomatic_protest"}, set()),
    "000": ("2022-04-22", {"sovereignty_statement"}, {"talks_suspended", "exchanges_suspended",
                                                      "joint_activities_suspended", "military_exercise", "sanctions"}),
    "001": ("2022-04-22", {"sovereignty_statement"}, {"talks_suspended", "exchanges_suspended",
                                                      "joint_activities_suspended", "diplomatic_protest", "sanctions"}),
}
# Not met yet (BENCHMARKS.md): a long commentary piece whose recaps of 21 March no marker opens as background.
NOT_YET_EXACT = {"001"}

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds/ is not beside this checkout")


def _classify_seeds(runner: CliRunner) -> dict[str, dict[str, Any]]:
    files = {p.name[:3]: p for p in sorted(SEEDS.glob("0*.txt"))}
    assert set(files) == set(EXPECTED)
    lines = []
    for prefix, (published, _news, _recaps) in EXPECTED.items():
        title, _, text = files[prefix].read_text(encoding="utf-8").strip().partition("\n")
        lines.append(json.dumps({"title": title, "text": text, "published": published}))
    result = invoke(runner, None, "classify", "--json", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(EXPECTED)
    return dict(zip(EXPECTED, outputs, strict=True))


@pytest.mark.parametrize("prefix", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="recaps read as news")) if p in NOT_YET_EXACT else p
    for p in EXPECTED])
def test_seed_articles_get_their_news_and_recaps(runner: CliRunner, prefix: str) -> None:
    out = _classify_seeds(runner)[prefix]
    _published, news, _recaps = EXPECTED[prefix]
    assert out["relevant"] is True
    assert {e["type"] for e in out["event_types"]} == news


def test_every_seed_reports_its_news_and_no_seed_misses_one(runner: CliRunner) -> None:
    for prefix, out in _classify_seeds(runner).items():
        _published, news, recaps = EXPECTED[prefix]
        found = {e["type"] for e in out["event_types"]}
        assert news <= found, prefix
        assert not (found - news) - recaps, f"{prefix}: {found - news - recaps} is neither its news nor a recap"


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
