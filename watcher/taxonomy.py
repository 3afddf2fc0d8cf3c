"""The event taxonomy: relevance terms, event types, qualifiers, status dimensions and the rules between them.

It is data (`config/event_types.toml`, bundled as `watcher/data/event_types.toml`); this module loads and
validates it. An event type is found by word entries (`[[event_types.NAME.match]]`: a language, trigger
words and the object they must act on in one clause, matched on lemmas) and by regular-expression patterns
(`patterns.LANG`, the form of version 0.1.0, still loaded): a pattern is a string (the type's default
weight) or a table `{ re = "...", weight = 0.9 }`. `[language.LANG]` lists the words that make a match a
negation, a wish, a cause or history.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watcher.config import read_toml
from watcher.errors import ConfigError

LANGS = ("en", "ru", "ja")


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    weight: float
    lang: str
    source: str = ""  # where it is written: "event_types.talks_suspended.patterns.en[0]"


@dataclass(frozen=True)
class WordEntry:
    """A trigger and its object, in one clause and at most `within` words apart (ja: characters)."""

    lang: str
    triggers: tuple[str, ...]
    objects: tuple[str, ...]  # empty: the trigger alone is enough
    weight: float
    within: int
    source: str  # "event_types.talks_suspended.match[2]"
    negated: bool = False  # the trigger carries its own negation ("not continue"): no negation check
    actors: tuple[str, ...] = ()  # who must be named in the same clause (who visits, who protests); empty: anyone


@dataclass(frozen=True)
class LanguageRules:
    """Words that change what a match means: negation and wishes drop it; causes and history make it a recap."""

    negation: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    cause: tuple[str, ...] = ()
    continuation: tuple[str, ...] = ()  # opening a sentence, it goes on with the one before ("In addition")


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    patterns: tuple[Pattern, ...]
    description: str = ""
    negated_by: tuple[Pattern, ...] = ()  # a sentence that matches one of these does not count for this type
    entries: tuple[WordEntry, ...] = ()


@dataclass(frozen=True)
class Qualifier:
    """A property of an article that status rules can ask for, such as 'names a Japanese government document'."""

    name: str
    patterns: tuple[Pattern, ...]
    negated_by: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class StatusRule:
    dimension: str
    event: str
    value: str
    requires: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relevance:
    threshold: float
    anchors: tuple[Pattern, ...]
    context: tuple[Pattern, ...]
    off_topic: tuple[Pattern, ...]


@dataclass(frozen=True)
class Taxonomy:
    path: str
    relevance: Relevance
    event_types: dict[str, EventType]
    qualifiers: dict[str, Qualifier]
    dimensions: dict[str, Dimension]
    rules: tuple[StatusRule, ...]
    event_threshold: float = 0.5
    background_after_days: int = 60
    news_window_days: int = 7
    languages: dict[str, LanguageRules] = field(default_factory=dict)

    def rules_for(self, event_type: str) -> tuple[StatusRule, ...]:
        return tuple(r for r in self.rules if r.event == event_type)


def bundled_taxonomy_path() -> str:
    return str(importlib.resources.files("watcher") / "data" / "event_types.toml")


def load_taxonomy(path: str | None = None) -> Taxonomy:
    """Load and validate a taxonomy file; None means the one bundled with the package."""
    resolved = str(Path(path).resolve()) if path else bundled_taxonomy_path()
    mtime = Path(resolved).stat().st_mtime if Path(resolved).exists() else 0.0
    return _load(resolved, mtime)


@functools.lru_cache(maxsize=8)
def _load(path: str, _mtime: float) -> Taxonomy:
    raw = read_toml(path)
    known = ("version", "classify", "language", "relevance", "qualifiers", "event_types", "dimensions",
             "status_rules")
    for key in raw:
        if key not in known:
            raise ConfigError(path, key, "unknown key", f"known keys: {', '.join(known)}")
    classify = _table(path, "classify", raw.get("classify", {}))
    relevance = _table(path, "relevance", raw.get("relevance", {}))
    event_types = {name: _event_type(path, name, spec)
                   for name, spec in _table(path, "event_types", raw.get("event_types")).items()}
    qualifiers = {
        name: Qualifier(name, _patterns(path, f"qualifiers.{name}.patterns", _table(path, f"qualifiers.{name}", q)
                                        .get("patterns"), 1.0),
                        _patterns(path, f"qualifiers.{name}.negated_by", q.get("negated_by", {}), 1.0))
        for name, q in _table(path, "qualifiers", raw.get("qualifiers", {})).items()
    }
    dimensions = {name: _dimension(path, name, d)
                  for name, d in _table(path, "dimensions", raw.get("dimensions")).items()}
    rules = tuple(_rule(path, i, r, event_types, qualifiers, dimensions)
                  for i, r in enumerate(raw.get("status_rules", [])))
    return Taxonomy(
        path=path,
        relevance=Relevance(
            threshold=_number(path, "relevance.threshold", relevance.get("threshold", 0.5)),
            anchors=_patterns(path, "relevance.anchors", relevance.get("anchors"), 1.0),
            context=_patterns(path, "relevance.context", relevance.get("context", {}), 1.0),
            off_topic=_patterns(path, "relevance.off_topic", relevance.get("off_topic", {}), 1.0),
        ),
        event_types=event_types,
        qualifiers=qualifiers,
        dimensions=dimensions,
        rules=rules,
        event_threshold=_number(path, "classify.event_threshold", classify.get("event_threshold", 0.5)),
        background_after_days=int(_number(path, "classify.background_after_days",
                                          classify.get("background_after_days", 60), upper=10_000)),
        news_window_days=int(_number(path, "classify.news_window_days", classify.get("news_window_days", 7),
                                     upper=365)),
        languages={lang: _language(path, lang, spec)
                   for lang, spec in _table(path, "language", raw.get("language", {})).items()},
    )


def _table(path: str, key: str, value: Any) -> dict[str, Any]:
    if value is None:
        raise ConfigError(path, key, "missing", f"add a [{key}] table")
    if not isinstance(value, dict):
        raise ConfigError(path, key, f"must be a table, got {type(value).__name__}", f"write it as [{key}]")
    return value


def _number(path: str, key: str, value: Any, upper: float = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= upper:
        raise ConfigError(path, key, f"must be a number from 0 to {upper:g}, got {value!r}", "fix the value")
    return float(value)


def _patterns(path: str, key: str, value: Any, default_weight: float) -> tuple[Pattern, ...]:
    table = _table(path, key, value)
    out: list[Pattern] = []
    for lang, items in table.items():
        if lang not in LANGS:
            raise ConfigError(path, f"{key}.{lang}", "unknown language", f"use one of: {', '.join(LANGS)}")
        if not isinstance(items, list):
            raise ConfigError(path, f"{key}.{lang}", "must be a list of patterns", 'write en = ["pattern", ...]')
        for i, item in enumerate(items):
            where = f"{key}.{lang}[{i}]"
            if isinstance(item, dict):
                source, weight = item.get("re"), _number(path, f"{where}.weight", item.get("weight", default_weight))
            else:
                source, weight = item, default_weight
            if not isinstance(source, str) or not source:
                raise ConfigError(path, where, "must be a regular expression string", 'write "pattern" or '
                                  '{ re = "pattern", weight = 0.8 }')
            try:
                out.append(Pattern(re.compile(source, re.IGNORECASE), weight, lang, where))
            except re.error as e:
                raise ConfigError(path, where, f"not a valid regular expression: {e}",
                                  "escape special characters with a backslash") from None
    return tuple(out)


EVENT_KEYS = ("label", "description", "weight", "patterns", "negated_by", "match")
ENTRY_KEYS = ("lang", "trigger", "object", "actor", "weight", "within", "negated")


def _event_type(path: str, name: str, spec: Any) -> EventType:
    spec = _table(path, f"event_types.{name}", spec)
    for key in spec:
        if key not in EVENT_KEYS:
            raise ConfigError(path, f"event_types.{name}.{key}", "unknown key", f"known keys: {', '.join(EVENT_KEYS)}")
    weight = _number(path, f"event_types.{name}.weight", spec.get("weight", 0.6))
    patterns = _patterns(path, f"event_types.{name}.patterns", spec.get("patterns", {}), weight)
    entries_spec = spec.get("match", [])
    if not isinstance(entries_spec, list):
        raise ConfigError(path, f"event_types.{name}.match", "must be an array of tables",
                          f"write each entry as [[event_types.{name}.match]]")
    entries = tuple(_entry(path, f"event_types.{name}.match[{i}]", e, weight) for i, e in enumerate(entries_spec))
    if not patterns and not entries:
        raise ConfigError(path, f"event_types.{name}", "has neither word entries nor patterns",
                          f'add [[event_types.{name}.match]] with lang = "en", trigger = ["..."], object = ["..."]')
    negated_by = _patterns(path, f"event_types.{name}.negated_by", spec.get("negated_by", {}), 1.0)
    return EventType(name, str(spec.get("label", name)), patterns, str(spec.get("description", "")), negated_by,
                     entries)


def _words(path: str, key: str, value: Any, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(path, key, "must be a list of words or phrases", 'write ["suspend", "break off"]')
    return tuple(v.strip() for v in value)


def _entry(path: str, where: str, spec: Any, default_weight: float) -> WordEntry:
    spec = _table(path, where, spec)
    for key in spec:
        if key not in ENTRY_KEYS:
            raise ConfigError(path, f"{where}.{key}", "unknown key", f"known keys: {', '.join(ENTRY_KEYS)}")
    lang = spec.get("lang")
    if lang not in LANGS:
        raise ConfigError(path, f"{where}.lang", f"unknown language {lang!r}", f"use one of: {', '.join(LANGS)}")
    within = spec.get("within", 24 if lang == "ja" else 8)
    if isinstance(within, bool) or not isinstance(within, int) or not 0 < within <= 100:
        raise ConfigError(path, f"{where}.within", f"must be a whole number from 1 to 100, got {within!r}",
                          "the most words (Japanese: characters) between trigger and object")
    negated = spec.get("negated", False)
    if not isinstance(negated, bool):
        raise ConfigError(path, f"{where}.negated", "must be true or false", "write negated = true")
    return WordEntry(str(lang), _words(path, f"{where}.trigger", spec.get("trigger"), True),
                     _words(path, f"{where}.object", spec.get("object"), False),
                     _number(path, f"{where}.weight", spec.get("weight", default_weight)), within, where, negated,
                     _words(path, f"{where}.actor", spec.get("actor"), False))


LANGUAGE_KEYS = ("negation", "modality", "history", "cause", "continuation")


def _language(path: str, lang: str, spec: Any) -> LanguageRules:
    if lang not in LANGS:
        raise ConfigError(path, f"language.{lang}", "unknown language", f"use one of: {', '.join(LANGS)}")
    spec = _table(path, f"language.{lang}", spec)
    for key in spec:
        if key not in LANGUAGE_KEYS:
            raise ConfigError(path, f"language.{lang}.{key}", "unknown key", f"known keys: {', '.join(LANGUAGE_KEYS)}")
    return LanguageRules(**{key: _words(path, f"language.{lang}.{key}", spec.get(key), False)
                            for key in LANGUAGE_KEYS})


def _dimension(path: str, name: str, spec: Any) -> Dimension:
    spec = _table(path, f"dimensions.{name}", spec)
    values = spec.get("values")
    if not isinstance(values, list) or len(values) < 2 or not all(isinstance(v, str) for v in values):
        raise ConfigError(path, f"dimensions.{name}.values", "must list at least two values",
                          'write values = ["active", "suspended"]')
    return Dimension(name, str(spec.get("label", name)), tuple(values))


def _rule(path: str, index: int, spec: Any, event_types: dict[str, EventType],
          qualifiers: dict[str, Qualifier], dimensions: dict[str, Dimension]) -> StatusRule:
    where = f"status_rules[{index}]"
    spec = _table(path, where, spec)
    dim, event, value = spec.get("dimension"), spec.get("event"), spec.get("value")
    if dim not in dimensions:
        raise ConfigError(path, f"{where}.dimension", f"unknown dimension {dim!r}",
                          f"known: {', '.join(dimensions)}")
    if event not in event_types:
        raise ConfigError(path, f"{where}.event", f"unknown event type {event!r}",
                          f"known: {', '.join(event_types)}")
    if value not in dimensions[dim].values:
        raise ConfigError(path, f"{where}.value", f"{value!r} is not a value of {dim}",
                          f"use one of: {', '.join(dimensions[dim].values)}")
    requires, unless = tuple(spec.get("requires", ())), tuple(spec.get("unless", ()))
    for q in requires + unless:
        if q not in qualifiers:
            raise ConfigError(path, f"{where}.requires", f"unknown qualifier {q!r}",
                              f"known: {', '.join(qualifiers) or 'none'}")
    return StatusRule(str(dim), str(event), str(value), requires, unless)
