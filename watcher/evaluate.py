"""`watcher evaluate`: the classifier, and the naive baseline beside it, scored on a labelled corpus.

Relevance is scored per article; event types per (article, type) pair over every article, so that an event
missed because its article was judged not relevant counts as missed. Per-type figures are given for every
type, and macro F1 averages the types with at least `MIN_SUPPORT` labelled examples. The blind part's errors
are never listed: it is measured, not read (tests/corpus/README.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watcher.baseline import baseline_classify
from watcher.classify import anchor_sentence, classify, units
from watcher.corpus import LANGS, CorpusArticle, load_corpus
from watcher.taxonomy import Taxonomy

MIN_SUPPORT = 8
PARTS = ("all", "dev", "blind")


@dataclass(frozen=True)
class Prediction:
    relevant: bool
    relevance: float
    types: frozenset[str]
    evidence: dict[str, str] = dataclasses.field(default_factory=dict)  # type -> the sentence that showed it


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, expected: bool) -> None:
        self.tp += predicted and expected
        self.fp += predicted and not expected
        self.fn += expected and not predicted

    def figures(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def rules_prediction(article: CorpusArticle, taxonomy: Taxonomy) -> Prediction:
    c = classify(article.title, article.text, taxonomy, article.published, article.lang)
    return Prediction(c.relevant, c.relevance, frozenset(e.type for e in c.events),
                      {e.type: e.evidence[0] for e in c.events if e.evidence})


def baseline_prediction(article: CorpusArticle) -> Prediction:
    relevant, types = baseline_classify(article.title, article.text, article.lang)
    return Prediction(relevant, float(relevant), types)


def figures(articles: list[CorpusArticle], predictions: dict[str, Prediction],
            event_types: Iterable[str]) -> dict[str, Any]:
    """Relevance, per-type, micro and macro figures, overall and per language."""
    types = sorted(set(event_types) | {t for a in articles for t in a.event_types})
    relevance, micro = Counts(), Counts()
    by_type = {t: Counts() for t in types}
    by_lang = {lang: (Counts(), Counts()) for lang in LANGS}
    for a in articles:
        p = predictions[a.id]
        relevance.add(p.relevant, a.relevant)
        lang_relevance, lang_events = by_lang[a.lang]
        lang_relevance.add(p.relevant, a.relevant)
        for t in types:
            predicted, expected = t in p.types, t in a.event_types
            by_type[t].add(predicted, expected)
            micro.add(predicted, expected)
            lang_events.add(predicted, expected)
    support = {t: sum(1 for a in articles if t in a.event_types) for t in types}
    type_figures = {t: {**by_type[t].figures(), "support": support[t]} for t in types}
    macro_types = [t for t in types if support[t] >= MIN_SUPPORT]
    macro = sum(float(type_figures[t]["f1"]) for t in macro_types) / len(macro_types) if macro_types else 0.0
    return {
        "articles": len(articles),
        "relevant": sum(a.relevant for a in articles),
        "relevance": relevance.figures(),
        "events": {"micro": micro.figures(), "macro_f1": round(macro, 3), "macro_types": len(macro_types),
                   "by_type": type_figures},
        "by_lang": {lang: {"articles": sum(1 for a in articles if a.lang == lang),
                           "relevance": r.figures(), "events": e.figures()}
                    for lang, (r, e) in by_lang.items() if any(a.lang == lang for a in articles)},
    }


def errors(articles: list[CorpusArticle], predictions: dict[str, Prediction],
           anchor_sentence: Callable[[CorpusArticle], str]) -> list[dict[str, Any]]:
    """Every wrong judgement with the sentence behind it: the evidence of a false event, the sentence that
    named the islands for a false relevance, the lead for what was missed."""
    out: list[dict[str, Any]] = []
    for a in articles:
        p = predictions[a.id]
        base = {"id": a.id, "file": a.file, "lang": a.lang, "title": a.title}
        if p.relevant != a.relevant:
            kind = "relevance_false_positive" if p.relevant else "relevance_false_negative"
            out.append({**base, "kind": kind, "type": None, "relevance": p.relevance,
                        "sentence": anchor_sentence(a) if p.relevant else _lead(a)})
        for t in sorted(p.types - a.event_types):
            recap = any(r.type == t for r in a.recaps)
            out.append({**base, "kind": "event_recap_as_news" if recap else "event_false_positive", "type": t,
                        "sentence": p.evidence.get(t, "")})
        for t in sorted(a.event_types - p.types):
            out.append({**base, "kind": "event_false_negative", "type": t, "sentence": _lead(a),
                        "note": a.note})
    return out


def _lead(a: CorpusArticle) -> str:
    first = a.text.split("\n\n", 1)[0].strip()
    return f"{a.title} | {first[:300]}"


def evaluate(paths: Iterable[str | Path], taxonomy: Taxonomy, blind_only: bool = False) -> dict[str, Any]:
    """The report `watcher evaluate` prints, as data (its shape is documented in the README)."""
    known = frozenset(taxonomy.event_types)
    corpus = [a for path in paths for a in load_corpus(path, known)]
    chosen = [a for a in corpus if a.blind] if blind_only else corpus
    rules = {a.id: rules_prediction(a, taxonomy) for a in chosen}
    naive = {a.id: baseline_prediction(a) for a in chosen}
    parts = {"blind": chosen} if blind_only else {
        "all": chosen, "dev": [a for a in chosen if not a.blind], "blind": [a for a in chosen if a.blind]}
    report: dict[str, Any] = {
        "paths": [str(p) for p in paths],
        "selection": "blind" if blind_only else "all",
        "articles": len(chosen),
        "rules": {name: figures(part, rules, known) for name, part in parts.items() if part},
        "baseline": {name: figures(part, naive, known) for name, part in parts.items() if part},
        "status_history": labelled_status_history(chosen, taxonomy),
        "errors": [] if blind_only else errors([a for a in chosen if not a.blind], rules,
                                               lambda a: _anchor_sentence(a, taxonomy)),
    }
    return report


def _anchor_sentence(a: CorpusArticle, taxonomy: Taxonomy) -> str:
    return anchor_sentence(taxonomy, units(a.title, a.text, a.published)) or a.title


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The figures the thresholds apply to: the blind part with --blind, else the whole selection."""
    part: dict[str, Any] = report["rules"]["blind" if report["selection"] == "blind" else "all"]
    return part


def below(report: dict[str, Any], min_relevance_f1: float | None, min_event_f1: float | None) -> list[str]:
    """What falls short of the thresholds, in words; empty when every threshold is met."""
    h = headline(report)
    short = []
    if min_relevance_f1 is not None and h["relevance"]["f1"] < min_relevance_f1:
        short.append(f"relevance F1 {h['relevance']['f1']:.3f} is below {min_relevance_f1:.3f}")
    if min_event_f1 is not None and h["events"]["micro"]["f1"] < min_event_f1:
        short.append(f"event micro-F1 {h['events']['micro']['f1']:.3f} is below {min_event_f1:.3f}")
    return short


def format_report(report: dict[str, Any], max_errors: int = 400) -> str:
    """The report as text: a summary per part, rules beside the baseline, per type and language, errors."""
    from tabulate import tabulate

    lines = [f"corpus: {', '.join(report['paths'])} ({report['articles']} articles; "
             f"{'blind part only' if report['selection'] == 'blind' else 'all parts'})", ""]
    summary = []
    for part, rules in report["rules"].items():
        naive = report["baseline"][part]
        for name, f in (("rules", rules), ("baseline", naive)):
            summary.append([part, name, f["articles"], _prf(f["relevance"]), _prf(f["events"]["micro"]),
                            f"{f['events']['macro_f1']:.3f} ({f['events']['macro_types']} types)"])
    lines.append(tabulate(summary, headers=["part", "matcher", "articles", "relevance P/R/F1",
                                            "events micro P/R/F1", "macro F1"]))
    main = headline(report)
    lines += ["", f"by event type ({report['selection']}, rules; types with at least {MIN_SUPPORT} examples marked *)"]
    rows = [[("* " if f["support"] >= MIN_SUPPORT else "  ") + t, f["support"], f["precision"], f["recall"], f["f1"],
             f["fp"], f["fn"]] for t, f in main["events"]["by_type"].items()]
    lines.append(tabulate(rows, headers=["type", "support", "precision", "recall", "F1", "false", "missed"]))
    lines += ["", f"by language ({report['selection']}, rules)"]
    rows = [[lang, f["articles"], _prf(f["relevance"]), _prf(f["events"])] for lang, f in main["by_lang"].items()]
    lines.append(tabulate(rows, headers=["lang", "articles", "relevance P/R/F1", "events P/R/F1"]))
    history = report.get("status_history", [])
    if history:
        lines += ["", "status history the labels imply"]
        lines.append(tabulate([[c["effective_date"], c["dimension"], c["from"] or "-", c["to"], len(c["evidence"])]
                               for c in sorted(history, key=lambda c: c["effective_date"])],
                              headers=["effective", "dimension", "from", "to", "reports"]))
    errs = report["errors"]
    if errs:
        lines += ["", f"errors on the development part ({len(errs)}):"]
        for e in errs[:max_errors]:
            what = e["kind"] + (f" {e['type']}" if e["type"] else "")
            lines.append(f"- {e['id']}: {what}: {e['sentence'][:240]}")
        if len(errs) > max_errors:
            lines.append(f"  … and {len(errs) - max_errors} more (--json lists them all)")
    return "\n".join(lines)


def _prf(f: dict[str, Any]) -> str:
    return f"{f['precision']:.2f} / {f['recall']:.2f} / {f['f1']:.3f}"


def labelled_status_history(articles: list[CorpusArticle], taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """The status changes the corpus labels imply: the labelled news events of the relevant articles that are
    not copies, through the status stage itself (Japan's wording from `wording`). Recaps never move it."""
    from watcher import status
    from watcher.models import Article, Classification, EventMatch, StoredArticle

    stored = []
    for number, a in enumerate(sorted(articles, key=lambda a: (a.published, a.id)), 1):
        if not a.relevant or a.copy_of:
            continue
        qualifiers = frozenset({"japan_document"} | ({"illegal_occupation"} if a.wording == "illegally_occupied"
                                                       else set())) if a.wording else frozenset()
        events = tuple(EventMatch(e.type, 1.0, (), e.date or a.published) for e in a.events
                       if e.type in taxonomy.event_types)
        published = dt.datetime(a.published.year, a.published.month, a.published.day, tzinfo=dt.UTC)
        article = Article(a.outlet, a.id, a.id, a.id, a.title, a.text, published, "feed", a.lang)
        stored.append(StoredArticle(number, article, Classification(True, 1.0, events, a.lang, qualifiers)))
    _state, changes = status.apply(taxonomy, {}, stored)
    return [{"dimension": c.dimension, "from": c.from_value, "to": c.to_value,
             "effective_date": c.effective_date.isoformat(), "evidence": [e.url for e in c.evidence]}
            for c in changes]
