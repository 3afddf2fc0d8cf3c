"""Unit tests of the pure stages: text and dates, normalize, classify, dedupe, status."""

from __future__ import annotations

import datetime as dt

import pytest

from watcher import dedupe
from watcher.classify import classify
from watcher.models import Article, Classification, EventMatch, StoredArticle
from watcher.normalize import canonical_url
from watcher.status import apply
from watcher.taxonomy import load_taxonomy
from watcher.text import dates_in, detect_lang, sentences

TAX = load_taxonomy()
D = dt.date


@pytest.mark.parametrize(("sentence", "ref", "expected"), [
    ("Russia said on Monday (21 March) it would quit the talks.", D(2022, 3, 22), D(2022, 3, 21)),
    ("The statement of March 21, 2022 ended the talks.", D(2022, 4, 22), D(2022, 3, 21)),
    ("Putin said last November that talks could resume.", D(2019, 4, 3), D(2018, 11, 15)),
    ("The Bluebook was published on Tuesday.", D(2021, 4, 27), D(2021, 4, 27)),
    ("Drills were announced on 25 March.", D(2022, 4, 22), D(2022, 3, 25)),
    ("МИД России 21 марта объявил о выходе из переговоров.", D(2022, 3, 22), D(2022, 3, 21)),
    ("В ноябре 2018 года лидеры договорились ускорить переговоры.", D(2021, 4, 27), D(2018, 11, 15)),
    ("ロシア外務省は3月21日、平和条約交渉を中断すると発表した。", D(2022, 3, 22), D(2022, 3, 21)),
    ("2022年4月22日に外交青書が公表された。", D(2022, 4, 23), D(2022, 4, 22)),
    ("Talks that have gone on since 1951 will stop.", D(2022, 3, 22), None),
])
def test_dates_named_in_a_sentence(sentence: str, ref: dt.date, expected: dt.date | None) -> None:
    found = dates_in(sentence, ref)
    assert (found[0][1] if found else None) == expected


def test_language_and_sentences() -> None:
    assert detect_lang("Russia halts talks with Japan") == "en"
    assert detect_lang("Россия приостановила переговоры с Японией") == "ru"
    assert detect_lang("ロシアが平和条約交渉を中断") == "ja"
    assert sentences("First one. Second one! 三つ目。四つ目。") == ["First one.", "Second one!", "三つ目。", "四つ目。"]


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://WWW.Example.com:443/news/1/?utm_source=rss&id=7&fbclid=x#top", "https://example.com/news/1?id=7"),
    ("http://example.com/a?b=2&a=1", "http://example.com/a?a=1&b=2"),
    ("http://example.com:8080", "http://example.com:8080/"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_relevance_leaves_out_what_only_names_the_islands() -> None:
    quake = classify("Strong earthquake strikes off the Kuril Islands",
                     "A magnitude 6.9 earthquake struck off the Kuril Islands on Sunday. A tsunami advisory was "
                     "issued for Hokkaido and lifted two hours later.", TAX, D(2022, 5, 1))
    senkaku = classify("China coast guard ships enter waters near the Senkakus",
                       "Japan protested after Chinese ships entered the waters around the Senkaku Islands.", TAX)
    roundup = classify("War in Ukraine: what happened on day 60",
                       "Fighting went on in the east. Ukraine's president asked for more weapons. Markets fell. "
                       "European leaders met in Brussels. Energy prices climbed again. Separately, a Russian "
                       "lawmaker mentioned the Kurils in a speech about the Pacific fleet.", TAX, D(2022, 4, 24))
    talks = classify("Russia halts peace treaty talks with Japan",
                     "Russia said on Monday it would halt peace treaty talks with Japan, the negotiations tied to "
                     "the dispute over the southern Kuril Islands.", TAX, D(2022, 3, 22))
    assert not quake.relevant and not senkaku.relevant and not roundup.relevant
    assert talks.relevant and talks.relevance > quake.relevance
    assert [e.type for e in talks.events][:1] == ["talks_suspended"]
    assert talks.events[0].effective_date == D(2022, 3, 21)


def test_background_is_not_news() -> None:
    c = classify("Japan protests Russian drills on the Kuril Islands",
                 "Japan lodged a protest on Wednesday over Russian military exercises on Kunashir.\n\n"
                 "In November 2018, the leaders agreed to accelerate peace treaty talks.", TAX, D(2019, 4, 3))
    assert {e.type for e in c.events} == {"diplomatic_protest", "military_exercise"}


def test_minister_remark_is_not_a_government_document() -> None:
    remark = classify("Minister says the Northern Territories are Japan's",
                      "Japan's foreign minister told reporters that the islands are an inherent part of Japan "
                      "and illegally occupied by Russia.", TAX, D(2023, 2, 7))
    bluebook = classify("Japan's Diplomatic Bluebook calls islands illegally occupied",
                        "The Diplomatic Bluebook says the Northern Territories are illegally occupied by Russia.",
                        TAX, D(2022, 4, 22))
    assert "sovereignty_statement" in {e.type for e in remark.events}
    assert "japan_document" not in remark.qualifiers
    assert {"japan_document", "illegal_occupation"} <= bluebook.qualifiers


def test_copies_point_at_the_original() -> None:
    text = ("Russia said on Monday it was withdrawing from peace treaty talks with Japan and ending visa-free "
            "travel to the southern Kuril Islands, in answer to sanctions Tokyo imposed over Ukraine. ") * 3
    original = dedupe.Candidate(1, dedupe.signature(text), None, 10)
    copy = dedupe.Candidate(2, dedupe.signature("Tokyo (Wire) - " + text), 1, 10)
    other = dedupe.signature("Japan's fishing fleet returned to port after a storm in the Sea of Okhotsk. " * 3)
    found = dedupe.find_original(dedupe.signature(text + " Reporting by staff."), [copy, original], 0.8)
    assert found is not None and found.id == 1
    assert dedupe.find_original(other, [original, copy], 0.8) is None


def stored(article_id: int, published: dt.date, events: list[tuple[str, dt.date]], qualifiers: frozenset[str] =
           frozenset(), duplicate_of: int | None = None) -> StoredArticle:
    when = dt.datetime.combine(published, dt.time(9), dt.UTC)
    article = Article("feed", f"g{article_id}", f"http://x.example/{article_id}", f"http://x.example/{article_id}",
                      f"Article {article_id}", "text", when, "feed", "en")
    c = Classification(True, 0.9, tuple(EventMatch(t, 0.9, ("s",), d) for t, d in events), "en", qualifiers)
    return StoredArticle(article_id, article, c, duplicate_of)


def test_a_late_old_article_never_turns_the_status_back() -> None:
    status, changes = apply(TAX, {}, [stored(1, D(2022, 3, 22), [("talks_suspended", D(2022, 3, 21))])])
    assert [(c.dimension, c.from_value, c.to_value) for c in changes] == [("peace_talks", None, "suspended")]
    status, changes = apply(TAX, status, [stored(2, D(2022, 5, 1), [("talks_resumed", D(2021, 4, 27))])])
    assert changes == [] and status["peace_talks"].value == "suspended"
    status, changes = apply(TAX, status, [stored(3, D(2024, 1, 9), [("talks_resumed", D(2024, 1, 8))])])
    assert [(c.from_value, c.to_value, c.effective_date) for c in changes] == [("suspended", "active", D(2024, 1, 8))]


def test_confirming_reports_join_the_evidence_and_copies_do_not() -> None:
    reports = [stored(1, D(2022, 3, 22), [("talks_suspended", D(2022, 3, 21))]),
               stored(2, D(2022, 3, 22), [("talks_suspended", D(2022, 3, 21))]),
               stored(3, D(2022, 3, 22), [("talks_suspended", D(2022, 3, 21))], duplicate_of=1)]
    _status, changes = apply(TAX, {}, reports)
    assert len(changes) == 1 and [e.article_id for e in changes[0].evidence] == [1, 2]


def test_official_wording_needs_a_government_document() -> None:
    doc = frozenset({"japan_document"})
    _s, changes = apply(TAX, {}, [stored(1, D(2021, 4, 27), [("sovereignty_statement", D(2021, 4, 27))], doc)])
    assert [(c.dimension, c.to_value) for c in changes] == [("japan_official_wording", "sovereignty_only")]
    _s, changes = apply(TAX, {}, [stored(2, D(2022, 4, 22), [("sovereignty_statement", D(2022, 4, 22))])])
    assert changes == []
    _s, changes = apply(TAX, {}, [stored(3, D(2022, 4, 22), [("sovereignty_statement", D(2022, 4, 22))],
                                         doc | {"illegal_occupation"})])
    assert [c.to_value for c in changes] == ["illegally_occupied"]
