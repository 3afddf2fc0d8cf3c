"""The development corpus and `watcher evaluate`: the corpus meets its spec, the report says what a user checks."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, invoke
from watcher.corpus import CorpusArticle, CorpusError, LabelledEvent, load_corpus
from watcher.evaluate import Prediction, figures, labelled_status_history
from watcher.taxonomy import load_taxonomy

CORPUS = ROOT / "tests" / "corpus"
TAXONOMY = load_taxonomy()
DENSE_PERIODS = (("2010-11",), ("2011-02",), ("2015-09",), ("2016-12",), ("2022-03", "2022-04"), ("2022-09",))


@pytest.fixture(scope="module")
def corpus() -> list[CorpusArticle]:
    return load_corpus(CORPUS, frozenset(TAXONOMY.event_types))


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    result = CliRunner().invoke(_cli(), ["evaluate", str(CORPUS), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _cli() -> Any:
    from watcher.cli import cli

    return cli


def test_corpus_has_the_size_and_spread_the_spec_asks(corpus: list[CorpusArticle]) -> None:
    langs = Counter(a.lang for a in corpus)
    assert len(corpus) >= 300
    assert langs["en"] >= 120 and langs["ru"] >= 80 and langs["ja"] >= 80, langs
    assert sum(not a.relevant for a in corpus) >= 60
    years = {a.published.year for a in corpus}
    assert min(years) <= 2010 and max(years) >= 2024
    per_type = Counter(t for a in corpus for t in a.event_types)
    thin = {t: per_type[t] for t in TAXONOMY.event_types if per_type[t] < 15}
    assert not thin, f"event types with fewer than 15 examples: {thin}"
    for t in TAXONOMY.event_types:
        assert len({a.lang for a in corpus if t in a.event_types}) >= 2, f"{t} is in one language only"


def test_corpus_has_copies_lookalikes_and_a_fixed_blind_part(corpus: list[CorpusArticle]) -> None:
    by_id = {a.id: a for a in corpus}
    copies = [a for a in corpus if a.copy_of]
    assert len(copies) >= 30
    assert all(by_id[a.copy_of].story == a.story for a in copies)
    lookalikes = [a for a in corpus if a.lookalike_of]
    assert len(lookalikes) >= 30
    assert all(by_id[a.lookalike_of].story != a.story or not a.relevant for a in lookalikes)
    blind = [a for a in corpus if a.blind]
    assert len(blind) * 4 >= len(corpus)
    assert {a.lang for a in blind} == {"en", "ru", "ja"}


def test_dense_periods_hold_different_events_days_apart(corpus: list[CorpusArticle]) -> None:
    for months in DENSE_PERIODS:
        stories = {a.story for a in corpus if a.relevant and a.published.isoformat()[:7] in months}
        assert len(stories) >= 2, f"{months}: {stories}"


def test_widely_reported_events_come_from_several_outlets_and_languages(corpus: list[CorpusArticle]) -> None:
    stories: dict[str, list[CorpusArticle]] = {}
    for a in corpus:
        if a.relevant and not a.copy_of:
            stories.setdefault(a.story, []).append(a)
    multi_lingual = [s for s, reports in stories.items() if len({a.lang for a in reports}) >= 2]
    assert len(multi_lingual) >= 10


def test_the_labels_imply_the_seed_story_of_2022(corpus: list[CorpusArticle]) -> None:
    changes = labelled_status_history(corpus, TAXONOMY)
    found = {(c["dimension"], c["to"], c["effective_date"]) for c in changes}
    assert ("peace_talks", "suspended", "2022-03-21") in found
    assert ("visa_free_exchanges", "suspended", "2022-03-21") in found
    assert ("joint_economic_activities", "suspended", "2022-03-21") in found
    assert ("japan_official_wording", "illegally_occupied", "2022-04-22") in found


def test_evaluate_reports_rules_baseline_parts_and_dev_errors(report: dict[str, Any],
                                                              corpus: list[CorpusArticle]) -> None:
    assert report["articles"] == len(corpus)
    assert set(report["rules"]) == {"all", "dev", "blind"} == set(report["baseline"])
    whole = report["rules"]["all"]
    assert whole["articles"] == len(corpus)
    assert 0 < whole["relevance"]["f1"] <= 1 and 0 < whole["events"]["micro"]["f1"] <= 1
    assert set(whole["by_lang"]) == {"en", "ru", "ja"}
    assert whole["events"]["macro_types"] >= 10
    dev_ids = {a.id for a in corpus if not a.blind}
    assert report["errors"], "the development part has errors to show"
    assert all(e["id"] in dev_ids for e in report["errors"]), "the blind part's errors are never listed"
    assert all(e["sentence"] for e in report["errors"] if e["kind"] != "event_false_positive")
    # The naive baseline is beaten, or the corpus would be too easy.
    assert report["baseline"]["all"]["events"]["micro"]["f1"] < whole["events"]["micro"]["f1"]


def test_evaluate_blind_gives_figures_only(runner: CliRunner) -> None:
    result = invoke(runner, None, "evaluate", str(CORPUS), "--blind", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["rules"]) == {"blind"} and data["errors"] == []
    text = invoke(runner, None, "evaluate", str(CORPUS), "--blind")
    assert "errors on the development part" not in text.stdout
    assert "baseline" in text.stdout and "by event type" in text.stdout


def test_evaluate_exits_3_below_a_threshold_and_0_above(runner: CliRunner, report: dict[str, Any]) -> None:
    f1 = report["rules"]["all"]["relevance"]["f1"]
    ok = invoke(runner, None, "evaluate", str(CORPUS), "--min-relevance-f1", str(max(0.0, f1 - 0.01)))
    assert ok.exit_code == 0, ok.output
    low = invoke(runner, None, "evaluate", str(CORPUS), "--min-event-f1", "1.0", "--json")
    assert low.exit_code == 3
    assert json.loads(low.stdout)["passed"] is False
    assert "event micro-F1" in low.stderr and "below 1.000" in low.stderr


def test_a_broken_corpus_file_names_the_file_and_the_problem(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "dev_bad.toml").write_text('[[articles]]\nid = "x"\nlang = "fr"\n', encoding="utf-8")
    result = invoke(runner, None, "evaluate", str(tmp_path))
    assert result.exit_code == 1
    assert "dev_bad.toml" in result.stderr and "`outlet` is missing" in result.stderr
    assert "tests/corpus/README.md" in result.stderr


def test_corpus_checks_labels_and_references(tmp_path: Path) -> None:
    text = " ".join(["word"] * 100)
    head = '[[articles]]\noutlet = "W"\npublished = "2020-01-01"\nlang = "en"\ntitle = "t"\n' f'text = "{text}"\n'
    body = (head + 'id = "en-a"\nrelevant = false\nevents = [{ type = "talks_resumed" }]\nstory = ""\n'
            + head + 'id = "en-b"\nrelevant = false\nevents = []\nstory = ""\ncopy_of = "en-missing"\n')
    (tmp_path / "dev_x.toml").write_text(body, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path, frozenset(TAXONOMY.event_types))
    problems = "\n".join(info.value.problems)
    assert "not relevant has no events" in problems
    assert "'en-missing', which is not in the corpus" in problems


def _article(id_: str, relevant: bool, types: tuple[str, ...], lang: str = "en") -> CorpusArticle:
    return CorpusArticle(id_, "f", "o", dt.date(2020, 1, 1), lang, "t", "x", relevant,
                         tuple(LabelledEvent(t) for t in types))


def test_figures_count_missed_events_of_articles_judged_not_relevant() -> None:
    articles = [_article("a", True, ("talks_resumed",)), _article("b", True, ("sanctions",)),
                _article("c", False, ())]
    predictions = {"a": Prediction(True, 1.0, frozenset({"talks_resumed"})),
                   "b": Prediction(False, 0.1, frozenset()),
                   "c": Prediction(True, 0.9, frozenset({"sanctions"}))}
    f = figures(articles, predictions, ["talks_resumed", "sanctions"])
    assert f["relevance"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert f["events"]["micro"]["tp"] == 1 and f["events"]["micro"]["fn"] == 1 and f["events"]["micro"]["fp"] == 1
    assert f["events"]["by_type"]["sanctions"]["f1"] == 0.0
    assert f["events"]["macro_types"] == 0  # no type has 8 examples here
