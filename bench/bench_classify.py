"""Classifier speed on the development corpus's own texts, per language, on one core; start-up of `classify`.

    .venv/bin/python bench/bench_classify.py

"cold" is the first pass in a fresh process (every word form normalized for the first time, the Russian
dictionary loaded); "warm" the best of three passes after it. Start-up is the wall time of
`watcher classify` on one English line, the language tools loaded lazily. Figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.classify import classify  # noqa: E402
from watcher.corpus import load_corpus  # noqa: E402
from watcher.taxonomy import load_taxonomy  # noqa: E402


def per_second(articles: list, taxonomy: object) -> float:
    start = time.perf_counter()
    for a in articles:
        classify(a.title, a.text, taxonomy, a.published, a.lang)  # type: ignore[arg-type]
    return len(articles) / (time.perf_counter() - start)


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    taxonomy = load_taxonomy()
    corpus = load_corpus(ROOT / "tests" / "corpus", frozenset(taxonomy.event_types))
    rows = []
    for lang in ("en", "ru", "ja"):
        part = [a for a in corpus if a.lang == lang]
        cold = per_second(part, taxonomy)
        warm = max(per_second(part, taxonomy) for _ in range(3))
        rows.append((lang, len(part), cold, warm))
    everything = max(per_second(corpus, taxonomy) for _ in range(3))
    line = json.dumps({"title": "Japan protests Russian drills on Kunashir", "text": "Tokyo lodged a protest.",
                       "published": "2022-03-26"})
    exe = str(Path(sys.executable).with_name("watcher"))
    startups = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([exe, "classify", "--json"], input=line, text=True, capture_output=True, check=True)
        startups.append(time.perf_counter() - start)
    print("lang  articles  cold art/s  warm art/s")
    for lang, n, cold, warm in rows:
        print(f"{lang:4}  {n:8}  {cold:10.0f}  {warm:10.0f}")
    print(f"all   {len(corpus):8}  {'':10}  {everything:10.0f}")
    print(f"start-up of `watcher classify` on one line: best {min(startups):.2f} s, median "
          f"{sorted(startups)[2]:.2f} s")


if __name__ == "__main__":
    main()
