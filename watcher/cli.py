"""The `watcher` command: thin click commands over the library. `--json` output is JSON only, on stdout."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from tabulate import tabulate

from watcher import __version__
from watcher.config import DEFAULT_CONFIG_PATH, Config, config_path, load_config
from watcher.errors import ArchiveError, ConfigError, WatcherError
from watcher.store import Archive, open_archive
from watcher.taxonomy import Taxonomy, load_taxonomy
from watcher.views import classify_lines, describe_classification, feeds_view, status_view

F = TypeVar("F", bound=Callable[..., Any])
EXIT_CONFIG = 2


def fail_cleanly(fn: F) -> F:
    """Library errors become one-line messages with exit codes: 2 for config, 1 for the rest."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as e:
            click.echo(f"watcher: config error: {e}", err=True)
            sys.exit(EXIT_CONFIG)
        except ArchiveError as e:
            click.echo(f"watcher: archive error: {e}", err=True)
            sys.exit(1)
        except WatcherError as e:
            click.echo(f"watcher: {e}", err=True)
            sys.exit(1)
    return wrapper  # type: ignore[return-value]


def config_option(fn: F) -> F:
    """--config, accepted after the subcommand as well as before it."""
    def remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value:
            ctx.find_root().ensure_object(dict)["config"] = value
    return click.option("--config", "-c", "config_file", metavar="PATH", expose_value=False, callback=remember,
                        help="Config file (default: $WATCHER_CONFIG or config/watcher.toml).")(fn)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON only, on stdout.")(fn)


def obj(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().ensure_object(dict)


def load(ctx: click.Context) -> Config:
    return load_config(config_path(obj(ctx).get("config")))


def open_all(ctx: click.Context) -> tuple[Config, Taxonomy, Archive]:
    config = load(ctx)
    return config, load_taxonomy(config.taxonomy_path), open_archive(config.database)


def taxonomy_for(ctx: click.Context) -> Taxonomy:
    """The config's taxonomy when a config is named or the default one exists, else the bundled one."""
    explicit = obj(ctx).get("config") or os.environ.get("WATCHER_CONFIG")
    use_config = explicit or Path(DEFAULT_CONFIG_PATH).is_file()
    return load_taxonomy(load(ctx).taxonomy_path if use_config else None)


def emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


WIDTHS = {"title": 56, "event_types": 34, "subject": 60, "last_error": 50, "evidence": 56}


def table(rows: list[dict[str, Any]], columns: list[str], empty: str) -> None:
    if not rows:
        click.echo(empty)
        return
    click.echo(tabulate([[short(r.get(c), WIDTHS.get(c, 24)) for c in columns] for r in rows], headers=columns))


def short(value: Any, width: int = 60) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) == 20 and value[10:11] == "T" and value.endswith("Z"):
        value = value[:16].replace("T", " ")  # timestamps to the minute: tables are for reading
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="watcher")
@config_option
@click.option("--verbose", "-v", is_flag=True, help="Log each stage's progress to stderr.")
def cli(verbose: bool) -> None:
    """Watch the news on the Japan-Russia dispute over the southern Kuril Islands."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@cli.command()
@config_option
@click.option("--feed", "feed_names", multiple=True, metavar="NAME", help="Poll only this feed (repeatable).")
@click.pass_context
@fail_cleanly
def poll(ctx: click.Context, feed_names: tuple[str, ...]) -> None:
    """Poll every configured feed now, update the status and send the digests that are due."""
    from watcher.fetch import new_session
    from watcher.pipeline import poll as run_poll

    config, taxonomy, archive = open_all(ctx)
    feeds = [config.feed(n) for n in feed_names] if feed_names else None
    report = run_poll(config, archive, taxonomy, new_session(config.fetch), feeds=feeds)
    for f in report.feeds:
        detail = {"ok": f"{f.new} new, {f.relevant} relevant", "not_modified": "not modified",
                  "error": f"error: {f.error}"}[f.state]
        click.echo(f"{f.feed}: {detail}")
    for c in report.changes:
        click.echo(f"status: {c.dimension} {c.from_value or 'unknown'} -> {c.to_value} (effective "
                   f"{c.effective_date})")
    for d in report.deliveries:
        click.echo(f"digest {d.digest_id} via {d.channel}: {d.state}" + (f" ({d.error})" if d.error else ""))


@cli.command()
@config_option
@click.pass_context
@fail_cleanly
def run(ctx: click.Context) -> None:
    """Run as a service: poll each feed at its interval until SIGTERM or Ctrl-C."""
    from watcher.scheduler import run_daemon

    config = load(ctx)
    load_taxonomy(config.taxonomy_path)
    open_archive(config.database).db.close()
    run_daemon(config)


@cli.command("check-config")
@config_option
@click.pass_context
@fail_cleanly
def check_config(ctx: click.Context) -> None:
    """Validate the config and the taxonomy; say what is wrong and how to fix it."""
    from watcher.notify import configured_channels

    config = load(ctx)
    taxonomy = load_taxonomy(config.taxonomy_path)
    click.echo(f"{config.path}: ok")
    click.echo(f"  database: {config.database}")
    click.echo(f"  feeds: {len(config.feeds)} ({sum(f.enabled for f in config.feeds)} enabled)")
    click.echo(f"  notify: {', '.join(configured_channels(config)) or 'no channel (digests are only archived)'}")
    click.echo(f"{taxonomy.path}: ok ({len(taxonomy.event_types)} event types, {len(taxonomy.dimensions)} "
               f"dimensions, {len(taxonomy.rules)} status rules)")
    for name in [config.email and config.email.username_env, config.email and config.email.password_env,
                 config.webhook and config.webhook.secret_env]:
        if name and name not in os.environ:
            click.echo(f"  warning: environment variable {name} is not set; delivery will fail until it is")


@cli.command("classify")
@config_option
@json_option
@click.option("--explain", "with_explanation", is_flag=True,
              help="For each decision: the sentence, the entry that matched, its weight, why others were dropped.")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.pass_context
@fail_cleanly
def classify_cmd(ctx: click.Context, as_json: bool, with_explanation: bool, source: Any) -> None:
    """Classify JSON lines ({"title","text","lang"?,"published"?}) from FILE or stdin, one result per line.

    Needs no config file: without one, the bundled taxonomy is used.
    """
    for result in classify_lines(source, taxonomy_for(ctx), with_explanation):
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        elif "error" in result:
            click.echo(f"error: {result['error']}")
        else:
            click.echo(describe_classification(result))


@cli.command()
@config_option
@json_option
@click.pass_context
@fail_cleanly
def status(ctx: click.Context, as_json: bool) -> None:
    """The dispute's status: each dimension's value, since when, and the evidence."""
    _config, taxonomy, archive = open_all(ctx)
    view = status_view(archive, taxonomy)
    if as_json:
        emit(view)
        return
    rows = [{"dimension": name, "value": d["value"] or "unknown", "since": d["since"],
             "evidence": d["evidence"][0]["title"] if d["evidence"] else ""} for name, d in view["dimensions"].items()]
    table(rows, ["dimension", "value", "since", "evidence"], "no dimensions")


@cli.command()
@config_option
@json_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after DATE.")
@click.option("--relevant", "only_relevant", is_flag=True, help="Only articles about the dispute.")
@click.pass_context
@fail_cleanly
def articles(ctx: click.Context, as_json: bool, since: dt.datetime | None, only_relevant: bool) -> None:
    """Every archived article, oldest first, with its event types, story and copy-of."""
    _config, _taxonomy, archive = open_all(ctx)
    rows = archive.articles(since.date() if since else None, where="a.relevant = 1" if only_relevant else "")
    if as_json:
        emit(rows)
    else:
        for r in rows:
            r["copy_of"] = r["duplicate_of"]
            r["story"] = r["story_id"]
        table(rows, ["id", "published", "feed", "relevant", "story", "copy_of", "event_types", "title"],
              "no articles yet: run `watcher poll`")


@cli.command()
@config_option
@json_option
@click.pass_context
@fail_cleanly
def digests(ctx: click.Context, as_json: bool) -> None:
    """Digests, one row per digest and channel, with their delivery state."""
    _config, _taxonomy, archive = open_all(ctx)
    rows = archive.digests()
    if as_json:
        emit(rows)
    else:
        table(rows, ["id", "created_at", "channel", "state", "attempts", "subject"], "no digests yet")


@cli.command()
@config_option
@json_option
@click.argument("query")
@click.pass_context
@fail_cleanly
def search(ctx: click.Context, as_json: bool, query: str) -> None:
    """Full-text search over titles and texts (any language; substrings of 3+ characters match)."""
    _config, _taxonomy, archive = open_all(ctx)
    rows = archive.search(query)
    if as_json:
        emit(rows)
    else:
        table(rows, ["id", "published", "feed", "relevant", "event_types", "title"], f"nothing matches {query!r}")


@cli.command()
@config_option
@json_option
@click.pass_context
@fail_cleanly
def feeds(ctx: click.Context, as_json: bool) -> None:
    """Configured feeds and their health: last poll, status, errors, next due."""
    config, _taxonomy, archive = open_all(ctx)
    rows = feeds_view(archive, config)
    if as_json:
        emit(rows)
    else:
        table(rows, ["name", "last_polled", "last_status", "consecutive_errors", "next_due", "last_error"],
              "no feeds configured")


EXIT_BELOW = 3


@cli.command()
@config_option
@json_option
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--blind", is_flag=True, help="Only the blind part (blind_*.toml): figures, never its errors.")
@click.option("--min-relevance-f1", type=click.FloatRange(0, 1), metavar="F1",
              help="Exit 3 when relevance F1 is below this.")
@click.option("--min-event-f1", type=click.FloatRange(0, 1), metavar="F1",
              help="Exit 3 when event micro-F1 is below this.")
@click.pass_context
@fail_cleanly
def evaluate(ctx: click.Context, as_json: bool, paths: tuple[str, ...], blind: bool,
             min_relevance_f1: float | None, min_event_f1: float | None) -> None:
    """Score the classifier and a naive keyword baseline on a labelled corpus (tests/corpus/README.md).

    Needs no config file: without one, the bundled taxonomy is used.
    """
    from watcher.evaluate import below, format_report
    from watcher.evaluate import evaluate as run_evaluate

    report = run_evaluate(paths, taxonomy_for(ctx), blind_only=blind)
    short = below(report, min_relevance_f1, min_event_f1)
    report["passed"] = not short
    if as_json:
        emit(report)
    else:
        click.echo(format_report(report))
    for line in short:
        click.echo(f"watcher: {line}", err=True)
    if short:
        sys.exit(EXIT_BELOW)


@cli.command()
@click.option("--database", default="state/demo.db", show_default=True, metavar="PATH",
              help="Where the demo archive goes (replaced on each run).")
@fail_cleanly
def demo(database: str) -> None:
    """Run the main job on the bundled sample feeds, served from 127.0.0.1: no network or config needed."""
    from watcher.demo import run_demo

    run_demo(database, echo=click.echo)


def main() -> None:
    cli(prog_name="watcher")
