"""Speed and accuracy of the watcher, measured on this machine. Run: `make bench` (results go in BENCHMARKS.md).

- classify: articles per second over the bundled sample corpus;
- poll: one full cycle over the sample outlets served from 127.0.0.1 (fetch, pages, classify, dedupe, store,
  status, digest), then a second cycle of 304s;
- scale: one cycle over a feed of N items, to see how per-article cost grows with the archive;
- accuracy: exact label matches on the seeds (when ../shared/seeds exists), the sample corpus (the taxonomy
  was tuned on it) and the held-out set in tests/data/heldout.toml (never tuned on).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.classify import classify  # noqa: E402
from watcher.config import Config, FeedConfig, FetchSettings  # noqa: E402
from watcher.fetch import new_session  # noqa: E402
from watcher.pipeline import poll  # noqa: E402
from watcher.samples import SampleArticle, SampleSite, load_samples  # noqa: E402
from watcher.store import open_archive  # noqa: E402
from watcher.taxonomy import load_taxonomy  # noqa: E402

TAXONOMY = load_taxonomy()
SEEDS = {"004": "2021-04-27", "002": "2019-04-03", "003": "2022-03-22", "000": "2022-04-22", "001": "2022-04-22"}
SEED_TYPES = {  # what each reports as news (../shared/seeds/README.md); recaps are not among them
    "004": {"sovereignty_statement", "talks_resumed"}, "002": {"diplomatic_protest", "military_exercise"},
    "003": {"talks_suspended", "exchanges_suspended", "joint_activities_suspended", "sanctions", "diplomatic_protest"},
    "000": {"sovereignty_statement"},
    "001": {"sovereignty_statement"},
}


def bench_classify(articles: list[SampleArticle], rounds: int) -> str:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for a in articles:
            classify(a.title, a.text, TAXONOMY, a.published.date(), a.lang)
        times.append(time.perf_counter() - start)
    best = min(times)
    return (f"classify: {len(articles)} articles, best of {rounds}: {best * 1000:.0f} ms "
            f"({len(articles) / best:.0f} articles/s, {best / len(articles) * 1000:.2f} ms each)")


def cycle(site: SampleSite, database: Path) -> tuple[float, float, int]:
    config = Config(path="bench", database=str(database), taxonomy_path=None,
                    feeds=tuple(FeedConfig(n, site.feed_url(n), 60) for n in site.feeds),
                    fetch=FetchSettings(connect_timeout=5, read_timeout=10))
    archive, session = open_archive(str(database)), new_session(config.fetch)
    start = time.perf_counter()
    first = poll(config, archive, TAXONOMY, session)
    middle = time.perf_counter()
    poll(config, archive, TAXONOMY, session)
    end = time.perf_counter()
    return middle - start, end - middle, first.new_articles


def bench_poll(feeds: list, articles: list[SampleArticle]) -> str:
    with tempfile.TemporaryDirectory() as tmp, SampleSite(feeds, articles) as site:
        first, second, new = cycle(site, Path(tmp) / "bench.db")
    return (f"poll: {new} articles from {len(feeds)} feeds in {first:.2f} s ({first / new * 1000:.0f} ms/article, "
            f"page fetches included); second poll (all 304): {second * 1000:.0f} ms")


def bench_scale(feeds: list, articles: list[SampleArticle], n: int) -> str:
    grown = []
    for i in range(n):
        a = articles[i % len(articles)]
        grown.append(dataclasses.replace(
            a, slug=f"{a.slug}-{i}", feed=feeds[0].name, summary_only=False, title=f"{a.title} ({i})",
            published=a.published.replace(year=2022, month=3, day=1) + dt.timedelta(minutes=i),
            paragraphs=(*a.paragraphs, f"Edition {i}: filed by desk {i % 17}, item {i * 7919 % 10007}.")))
    with tempfile.TemporaryDirectory() as tmp, SampleSite(feeds[:1], grown) as site:
        first, _second, new = cycle(site, Path(tmp) / "scale.db")
    return f"scale: one feed of {new} items in one cycle: {first:.2f} s ({first / new * 1000:.1f} ms/article)"


def accuracy(name: str, items: list[tuple[str, str, dt.date, str | None, bool, set[str]]]) -> str:
    exact = relevance_ok = tp = fp = fn = 0
    for title, text, published, lang, relevant, types in items:
        c = classify(title, text, TAXONOMY, published, lang)
        got = {e.type for e in c.events}
        exact += c.relevant == relevant and got == types
        relevance_ok += c.relevant == relevant
        tp, fp, fn = tp + len(got & types), fp + len(got - types), fn + len(types - got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return (f"accuracy {name}: {len(items)} articles, exact {exact}/{len(items)}, relevance "
            f"{relevance_ok}/{len(items)}, event types precision {precision:.2f} recall {recall:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=int, default=400)
    args = parser.parse_args()
    feeds, articles = load_samples()
    print(bench_classify(articles, args.rounds))
    print(bench_poll(feeds, articles))
    print(bench_scale(feeds, articles, args.scale))
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        items = []
        for p in sorted(seeds.glob("0*.txt")):
            title, _, text = p.read_text(encoding="utf-8").strip().partition("\n")
            items.append((title, text, dt.date.fromisoformat(SEEDS[p.name[:3]]), None, True, SEED_TYPES[p.name[:3]]))
        print(accuracy("seeds", items))
    print(accuracy("sample corpus (tuned on)", [(a.title, a.text, a.published.date(), a.lang, a.expect_relevant,
                                                 set(a.expect_events)) for a in articles]))
    heldout = ROOT / "tests" / "data" / "heldout.toml"
    if heldout.is_file():
        raw = tomllib.loads(heldout.read_text(encoding="utf-8"))["articles"]
        print(accuracy("held-out (never tuned on)", [
            (a["title"], "\n\n".join(a["paragraphs"]), dt.date.fromisoformat(a["published"][:10]), a["lang"],
             a["expect_relevant"], set(a["expect_events"])) for a in raw]))
    print(f"python {sys.version.split()[0]}; poll and scale are single runs, classify the best of {args.rounds}")


if __name__ == "__main__":
    main()
