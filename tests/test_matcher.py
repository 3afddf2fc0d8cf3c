"""The matcher reads like an analyst: words not strings, negation and wishes, causes and history as recaps."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, invoke
from watcher.classify import classify
from watcher.errors import ConfigError
from watcher.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
DAY = dt.date(2022, 3, 23)


def news(title: str, text: str, published: dt.date = DAY) -> set[str]:
    return {e.type for e in classify(title, text, TAXONOMY, published).events}


def recaps(title: str, text: str, published: dt.date = DAY) -> set[str]:
    return {e.type for e in classify(title, text, TAXONOMY, published).recaps}


@pytest.mark.parametrize("sentence", [
    "Russia froze peace treaty talks with Japan over the Kuril Islands on Monday.",
    "Peace treaty talks on the southern Kurils were suspended by Moscow on Monday.",
    "Moscow broke them off: the peace talks on the Kuril Islands are over, Russia said on Monday.",
    "Russia said on Monday it would not continue peace treaty talks with Japan over the Kuril Islands.",
])
def test_one_entry_finds_every_form_of_a_suspension(sentence: str) -> None:
    assert "talks_suspended" in news("Kremlin statement", sentence)


def test_a_wish_a_negation_or_a_plan_is_not_the_event() -> None:
    title = "Japan and the Kuril Islands dispute"
    assert "talks_resumed" not in news(title, "Tokyo hopes to resume peace treaty talks with Russia on the Kurils.")
    assert "exchanges_suspended" not in news(title, "Japan has no plans to suspend visa-free exchanges with "
                                                    "the Kuril Islands, the ministry said on Tuesday.")
    assert "talks_resumed" not in news(title, "Russia refused to resume peace treaty talks with Japan on the Kurils.")


def test_a_cause_is_reported_as_a_recap_not_as_news() -> None:
    text = ("Russia on Monday quit peace treaty talks with Japan over the Kuril Islands in response to the "
            "sanctions Tokyo imposed over Ukraine.")
    assert news("Russia quits talks on Kuril Islands", text) == {"talks_suspended"}


def test_history_is_a_recap_with_its_own_date() -> None:
    text = ("Japan protested on Tuesday against Russian drills on Iturup in the Kuril Islands.\n\n"
            "Recall that in 2016 Abe and Putin agreed to start talks on joint economic activities on the islands.")
    c = classify("Japan protests drills on Kuril Islands", text, TAXONOMY, DAY)
    assert {e.type for e in c.events} == {"diplomatic_protest", "military_exercise"}
    assert [(e.type, e.effective_date.year) for e in c.recaps] == [("joint_activities_agreed", 2016)]


def test_an_embedded_post_takes_the_date_of_its_attribution() -> None:
    text = ("Japan's Bluebook on Friday called the southern Kuril Islands illegally occupied.\n\n"
            "The statement Moscow posted read:\n\n"
            "🛑 Russia will withdraw from the dialogue on joint economic activities on the southern Kurils.\n\n"
            "— MFA Russia (@mfa_russia) March 21, 2022")
    c = classify("Bluebook hardens wording on the Kurils", text, TAXONOMY, dt.date(2022, 4, 22))
    assert "joint_activities_suspended" not in {e.type for e in c.events}
    assert "joint_activities_suspended" in {e.type for e in c.recaps}


def test_russian_is_matched_on_lemmas_and_japanese_on_words() -> None:
    ru = "Россия в понедельник приостановила переговоры о мирном договоре с Японией. На Кунашире спокойно."
    assert "talks_suspended" in news("Москва вышла из переговоров", ru)
    assert classify("Учения на Кунашире", "На Кунашире начались учения.", TAXONOMY, DAY).relevant
    ja = "ロシア政府は21日、北方領土問題を含む日本との平和条約締結交渉を中断すると発表した。"
    assert "talks_suspended" in news("平和条約交渉を中断", ja)
    refusal = "政府は北方領土を巡る平和条約交渉の再開を求めた。"
    assert "talks_resumed" not in news("交渉再開を要求", refusal)


def test_look_alikes_are_not_relevant() -> None:
    lake = ("Brown bears gather at Kuril Lake in southern Kamchatka as the sockeye run peaks, drawing tourists "
            "to the remote reserve.")
    assert not classify("Bears and salmon at Kuril Lake", lake, TAXONOMY, DAY).relevant
    quake = "A magnitude 7.5 earthquake struck off the northern Kurils near Paramushir; a tsunami warning followed."
    assert not classify("Earthquake off the northern Kurils", quake, TAXONOMY, DAY).relevant


def test_classify_explain_names_the_entry_and_why_others_were_dropped(runner: CliRunner) -> None:
    line = json.dumps({"title": "Russia quits Kuril talks", "published": "2022-03-22",
                       "text": "Russia quit peace treaty talks with Japan on Monday in response to the sanctions "
                               "Tokyo imposed. "
                               "Tokyo hopes to resume the talks on the Kuril Islands."})
    out = invoke(runner, None, "classify", "--explain", "--json", input=line + "\n")
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    decisions = {d["type"]: d for d in result["explanation"]["decisions"]}
    assert decisions["talks_suspended"]["decision"] == "news"
    entry = decisions["talks_suspended"]["candidates"][0]["entry"]
    assert entry.startswith("event_types.talks_suspended.match[")
    assert any(c["outcome"] == "wish" for c in decisions["talks_resumed"]["candidates"])
    assert decisions["sanctions"]["decision"] == "recap"
    assert [r["type"] for r in result["recaps"]] == ["sanctions"]
    text = invoke(runner, None, "classify", "--explain", input=line + "\n")
    assert "talks_suspended: news" in text.stdout and "wish: hope" in text.stdout


def test_a_taxonomy_of_version_0_1_0_still_loads_and_classifies(tmp_path: Path, runner: CliRunner) -> None:
    old = load_taxonomy(str(ROOT / "tests" / "data" / "event_types-0.1.0.toml"))
    assert all(t.patterns and not t.entries for t in old.event_types.values())
    c = classify("Russia halts peace treaty talks with Japan over the Kurils",
                 "Moscow suspended peace treaty negotiations with Tokyo on Monday.", old, DAY)
    assert "talks_suspended" in {e.type for e in c.events}
    cfg = tmp_path / "w.toml"
    cfg.write_text(f'[classify]\ntaxonomy = "{ROOT / "tests" / "data" / "event_types-0.1.0.toml"}"\n')
    assert invoke(runner, cfg, "check-config").exit_code == 0


@pytest.mark.parametrize(("entry", "message"), [
    ('lang = "fr"\ntrigger = ["x"]', "event_types.talks_suspended.match[0].lang: unknown language 'fr'"),
    ('lang = "en"\ntrigger = []', "event_types.talks_suspended.match[0].trigger: must be a list of words"),
    ('lang = "en"\ntrigger = ["x"]\nverb = ["y"]', "event_types.talks_suspended.match[0].verb: unknown key"),
    ('lang = "en"\ntrigger = ["x"]\nwithin = 0', "event_types.talks_suspended.match[0].within: must be a whole"),
])
def test_a_malformed_entry_names_the_type_the_key_and_the_fix(tmp_path: Path, entry: str, message: str) -> None:
    text = (ROOT / "config" / "event_types.toml").read_text(encoding="utf-8")
    marker = "[[event_types.talks_suspended.match]]\n"
    start = text.index(marker) + len(marker)
    end = text.index("[[event_types.talks_suspended.match]]", start)
    (tmp_path / "t.toml").write_text(text[:start] + entry + "\n" + text[end:], encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_taxonomy(str(tmp_path / "t.toml"))
    assert message in str(info.value)


def test_an_archive_of_version_0_1_0_is_migrated_and_keeps_everything(tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "archive.db"
    shutil.copy(ROOT / "tests" / "data" / "archive-0.1.0.db", db)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    cfg = tmp_path / "w.toml"
    cfg.write_text(f'[storage]\ndatabase = "{db}"\n')
    listed = invoke(runner, cfg, "articles", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert len(rows) == before == 43
    assert all(r["recaps"] == [] for r in rows) and any(r["event_types"] for r in rows)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM _watcher WHERE key = 'schema_version'").fetchone()[0] == "2"
    assert {r[0] for r in conn.execute("SELECT DISTINCT role FROM article_events")} == {"news"}
    assert invoke(runner, cfg, "status", "--json").exit_code == 0  # a second open: nothing left to migrate
    conn.execute("UPDATE _watcher SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    newer = invoke(runner, cfg, "status")
    assert newer.exit_code == 1 and "made by a newer watcher" in newer.stderr
