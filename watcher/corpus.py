"""The labelled corpus `watcher evaluate` measures on: loading and validating `tests/corpus/*.toml`.

The format and the labelling convention are in `tests/corpus/README.md`. A corpus is a folder of TOML files
(or one file); `blind_*` files form the blind part. The first held-out set (`tests/data/heldout.toml`, with
`slug`, `paragraphs`, `expect_relevant`, `expect_events`) is read too.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watcher.errors import WatcherError

LANGS = ("en", "ru", "ja")
WORDINGS = ("illegally_occupied", "sovereignty_only")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_STORY = re.compile(r"^\d{4}-\d{2}-[a-z0-9-]+$")
REQUIRED = ("id", "outlet", "published", "lang", "title", "text", "relevant", "events", "story")
OPTIONAL = ("recaps", "wording", "copy_of", "lookalike_of", "note")


class CorpusError(WatcherError):
    """A corpus file that cannot be read, or an article whose labels break the format."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"the corpus has {len(problems)} problem(s):\n  {shown}{more}\n"
                         "the format is described in tests/corpus/README.md")


@dataclass(frozen=True)
class LabelledEvent:
    type: str
    date: dt.date | None = None


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    file: str
    outlet: str
    published: dt.date
    lang: str
    title: str
    text: str
    relevant: bool
    events: tuple[LabelledEvent, ...]
    recaps: tuple[LabelledEvent, ...] = ()
    wording: str | None = None
    story: str = ""
    copy_of: str = ""
    lookalike_of: str = ""
    note: str = ""
    blind: bool = False

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(e.type for e in self.events)


def corpus_files(path: str | Path) -> list[Path]:
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.glob("*.toml"))
    if p.is_file():
        return [p]
    raise CorpusError([f"{p}: no such file or folder (name a corpus folder such as tests/corpus, or a .toml file)"])


def load_corpus(path: str | Path, known_types: frozenset[str] | None = None) -> list[CorpusArticle]:
    """Every article under `path`, validated; a CorpusError lists every problem found, not only the first."""
    problems: list[str] = []
    articles: list[CorpusArticle] = []
    for file in corpus_files(path):
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            problems.append(f"{file}: cannot be read as TOML: {e}")
            continue
        entries = raw.get("articles", [])
        if not isinstance(entries, list):
            problems.append(f"{file}: `articles` must be an array of tables ([[articles]])")
            continue
        blind = file.name.startswith("blind_")
        for index, entry in enumerate(entries):
            where = f"{file.name}: articles[{index}]"
            if not isinstance(entry, dict):
                problems.append(f"{where}: must be a table")
                continue
            if "slug" in entry and "id" not in entry:
                article = _heldout_article(file, where, entry, problems)
            else:
                article = _article(file, where, entry, blind, known_types, problems)
            if article is not None:
                articles.append(article)
    _check_references(articles, problems)
    if problems:
        raise CorpusError(problems)
    return articles


def _date(where: str, key: str, value: Any, problems: list[str]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            if re.fullmatch(r"\d{4}-\d{2}", value):  # a month only: its middle, as the classifier reads "in March"
                return dt.date.fromisoformat(value + "-15")
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    problems.append(f"{where}.{key}: {value!r} is not a date (write YYYY-MM-DD, or YYYY-MM for a month)")
    return None


def _events(where: str, key: str, value: Any, known: frozenset[str] | None,
            problems: list[str]) -> tuple[LabelledEvent, ...]:
    if not isinstance(value, list):
        problems.append(f"{where}.{key}: must be a list such as [{{ type = \"talks_resumed\" }}]")
        return ()
    out = []
    for i, item in enumerate(value):
        spot = f"{where}.{key}[{i}]"
        if isinstance(item, str):
            item = {"type": item}
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            problems.append(f"{spot}: write {{ type = \"...\", date = \"YYYY-MM-DD\" }}")
            continue
        unknown = set(item) - {"type", "date"}
        if unknown:
            problems.append(f"{spot}: unknown key(s) {', '.join(sorted(unknown))} (known: type, date)")
        if known is not None and item["type"] not in known:
            problems.append(f"{spot}: unknown event type {item['type']!r} (known: {', '.join(sorted(known))})")
        date = _date(spot, "date", item["date"], problems) if "date" in item else None
        out.append(LabelledEvent(item["type"], date))
    return tuple(out)


def _article(file: Path, where: str, entry: dict[str, Any], blind: bool, known: frozenset[str] | None,
             problems: list[str]) -> CorpusArticle | None:
    before = len(problems)
    where = f"{file.name}: {entry.get('id', where)}"
    for key in REQUIRED:
        if key not in entry:
            problems.append(f"{where}: `{key}` is missing")
    for key in entry:
        if key not in REQUIRED + OPTIONAL:
            problems.append(f"{where}: unknown key `{key}` (known: {', '.join(REQUIRED + OPTIONAL)})")
    if len(problems) > before:
        return None
    strings = ("id", "outlet", "lang", "title", "text", "story", "wording", "copy_of", "lookalike_of", "note")
    for key in strings:
        if key in entry and not isinstance(entry[key], str):
            problems.append(f"{where}.{key}: must be a string")
    if not isinstance(entry["relevant"], bool):
        problems.append(f"{where}.relevant: must be true or false")
    if len(problems) > before:
        return None
    if not _ID.match(entry["id"]):
        problems.append(f"{where}.id: use lower-case letters, digits, '-', '_' and '.' only")
    if entry["lang"] not in LANGS:
        problems.append(f"{where}.lang: {entry['lang']!r} is not one of {', '.join(LANGS)}")
    wording = entry.get("wording") or None
    if wording is not None and wording not in WORDINGS:
        problems.append(f"{where}.wording: {wording!r} is not one of {', '.join(WORDINGS)}")
    published = _date(where, "published", entry["published"], problems)
    events = _events(where, "events", entry["events"], known, problems)
    recaps = _events(where, "recaps", entry.get("recaps", []), known, problems)
    words = len(entry["text"].split()) if entry["lang"] != "ja" else len(entry["text"]) // 2
    if not 60 <= words <= 450:
        problems.append(f"{where}.text: {words} words; write 80 to 400")
    if entry["relevant"]:
        if not _STORY.match(entry["story"]):
            problems.append(f"{where}.story: a relevant article names its story as YYYY-MM-slug")
    elif events or recaps or entry["story"] or wording:
        problems.append(f"{where}: an article that is not relevant has no events, recaps, wording or story")
    if len(problems) > before or published is None:
        return None
    return CorpusArticle(
        id=entry["id"], file=file.name, outlet=entry["outlet"], published=published, lang=entry["lang"],
        title=entry["title"], text=entry["text"].strip(), relevant=entry["relevant"], events=events,
        recaps=recaps, wording=wording, story=entry["story"], copy_of=entry.get("copy_of", ""),
        lookalike_of=entry.get("lookalike_of", ""), note=entry.get("note", ""), blind=blind)


def _heldout_article(file: Path, where: str, entry: dict[str, Any], problems: list[str]) -> CorpusArticle | None:
    """The first held-out set's older shape: slug, paragraphs, expect_relevant, expect_events."""
    published = _date(where, "published", entry.get("published"), problems)
    if published is None:
        return None
    return CorpusArticle(
        id=str(entry["slug"]), file=file.name, outlet="", published=published, lang=str(entry.get("lang", "en")),
        title=str(entry.get("title", "")), text="\n\n".join(entry.get("paragraphs", [])),
        relevant=bool(entry.get("expect_relevant")),
        events=tuple(LabelledEvent(t) for t in entry.get("expect_events", [])), note=str(entry.get("notes", "")),
        blind=True)


def _check_references(articles: list[CorpusArticle], problems: list[str]) -> None:
    ids: dict[str, CorpusArticle] = {}
    for a in articles:
        if a.id in ids:
            problems.append(f"{a.file}: id {a.id!r} is used twice (also in {ids[a.id].file})")
        ids[a.id] = a
    for a in articles:
        for key in ("copy_of", "lookalike_of"):
            target = getattr(a, key)
            if target and target not in ids:
                problems.append(f"{a.file}: {a.id}.{key} names {target!r}, which is not in the corpus")
            elif target == a.id:
                problems.append(f"{a.file}: {a.id}.{key} names the article itself")
        original = ids.get(a.copy_of)
        if original is not None and (original.relevant, original.event_types) != (a.relevant, a.event_types):
            problems.append(f"{a.file}: {a.id} is a copy of {a.copy_of} but its labels differ (a copy has the same)")


def main(argv: list[str]) -> int:
    """`python -m watcher.corpus PATH...`: validate corpus files and print a count per language."""
    from watcher.taxonomy import load_taxonomy

    known = frozenset(load_taxonomy().event_types)
    status = 0
    for path in argv or ["tests/corpus"]:
        try:
            articles = load_corpus(path, known)
        except CorpusError as e:
            print(f"{path}: {e}", file=sys.stderr)
            status = 1
            continue
        langs = {lang: sum(1 for a in articles if a.lang == lang) for lang in LANGS}
        relevant = sum(a.relevant for a in articles)
        print(f"{path}: {len(articles)} articles ok ({', '.join(f'{k} {v}' for k, v in langs.items())}; "
              f"{relevant} relevant, {sum(bool(a.copy_of) for a in articles)} copies)")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
