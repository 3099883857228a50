"""Commands that write or inspect the index: ``index``, ``stats``, ``verify``."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import searcher
from searcher.cli import (
    NOT_FOUND,
    SearcherProblem,
    Settings,
    _errors,
    cli,
    index_option,
    pass_settings,
)
from searcher.cli.render import passed_over_line, shown_date
from searcher.jsonshape import stats_json
from searcher.text.safety import safe_text


def _index_progress() -> tuple[Callable[[searcher.IndexProgress], None], Callable[[], None]]:
    """Return an ``on_progress`` callback drawing an indexing bar on stderr
    (bytes read, articles/s, ETA), and its closer."""
    state: dict[str, Any] = {}

    def show(item: Any) -> str:
        progress = state.get("last")
        if progress is None or not progress.seconds:
            return ""
        rate = progress.articles / progress.seconds
        return f"{progress.articles} articles, {rate:,.0f}/s"

    def on_progress(progress: searcher.IndexProgress) -> None:
        state["last"] = progress
        if not sys.stderr.isatty() or not progress.bytes_total:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(
                length=progress.bytes_total,
                label="Indexing",
                file=sys.stderr,
                show_eta=True,
                show_percent=True,
                item_show_func=show,
            )
            state["bar"].__enter__()
        state["bar"].update(progress.bytes_done - state.get("done", 0), current_item=progress)
        state["done"] = progress.bytes_done

    def close() -> None:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)

    return on_progress, close


def _field_map_option(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    """Read ``--map FIELD=KEY`` pairs, checking FIELD is one of ours."""
    from searcher.ingest.json import MAPPABLE_FIELDS

    mapping: dict[str, str] = {}
    for value in values:
        name, equals, key = value.partition("=")
        if not equals or not key or name not in MAPPABLE_FIELDS:
            fields = ", ".join(sorted(MAPPABLE_FIELDS))
            raise click.BadParameter(
                f"{value!r} is not FIELD=KEY with FIELD one of {fields}", ctx=ctx, param=param
            )
        mapping[name] = key
    return mapping


def _opened_for_indexing(
    settings: Settings, rebuild: bool, force: bool, shards: int | None = None
) -> searcher.Index | searcher.ShardedIndex:
    """Open (or create) the index; with ``--rebuild``, a damaged one or one of
    another version is emptied instead of refused."""
    index_dir = settings.index_dir
    try:
        return searcher.open_index(
            index_dir, create=True, force=force, shards=shards, cluster=settings.cluster
        )
    except (searcher.IndexCorruptError, searcher.IndexVersionError):
        if not rebuild:
            raise
    return searcher.reset_index(index_dir, force=force)


@cli.command("index")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--rebuild", is_flag=True, help="Drop the index and index everything again.")
@click.option(
    "--force",
    is_flag=True,
    help="Create the index even in a folder holding other files (they stay: only "
    "the index's own files are ever deleted).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes reading and analysing files  [default: the number of cores]",
)
@click.option(
    "--map",
    "field_map",
    multiple=True,
    metavar="FIELD=KEY",
    callback=_field_map_option,
    help="Read FIELD (title, byline, date, body, url, source, keywords, id) of JSON "
    "records from KEY (a dotted path like meta.outlet works). Repeatable.",
)
@click.option(
    "--max-file-mb",
    type=click.IntRange(min=1),
    default=searcher.ReadOptions().max_bytes // 2**20,
    show_default=True,
    help="Skip files larger than this many MiB (after gunzip).",
)
@click.option(
    "--shards",
    type=click.IntRange(min=1, max=1024),
    default=None,
    help="Make a sharded index of this many shards (articles spread by a hash of "
    "their id); an existing index keeps its own.",
)
@index_option
@pass_settings
def index_command(
    settings: Settings,
    corpus: tuple[Path, ...],
    rebuild: bool,
    force: bool,
    jobs: int | None,
    field_map: dict[str, str],
    max_file_mb: int,
    shards: int | None,
) -> None:
    """Index the articles in CORPUS folders or files (incremental).

    Files unchanged since the last run are skipped, changed ones re-read, and
    articles of files gone from CORPUS removed. Exact duplicates (same title,
    body and date) are indexed once. Exits 1 when a file was skipped, 130 on
    Ctrl-C: what was committed is kept, and the same command resumes.

    \b
    Example:
        searcher index corpus/
        searcher --index news-index index ~/archive/ --rebuild --jobs 2
        searcher --index . index src/news --force
        searcher index export.jsonl --map body=story_text --map source=meta.outlet
    """
    options = searcher.ReadOptions(field_map=field_map, max_bytes=max_file_mb * 2**20)
    on_progress, close_bar = _index_progress()
    with _errors(), _opened_for_indexing(settings, rebuild, force, shards) as ix:
        try:
            report = ix.update(
                *corpus, rebuild=rebuild, jobs=jobs, on_progress=on_progress, options=options
            )
        finally:
            close_bar()
    for skipped in report.skipped:
        click.echo(f"skipped {safe_text(skipped.path)}: {safe_text(skipped.reason)}", err=True)
    for duplicate in report.duplicates:
        logging.getLogger("searcher").info(
            "not indexed: %s: %s", safe_text(duplicate.path), safe_text(duplicate.reason)
        )
    for ignored in report.ignored:
        logging.getLogger("searcher").info(
            "left out: %s: %s", safe_text(ignored.path), safe_text(ignored.reason)
        )
    if report.passed_over:
        click.echo(passed_over_line(report.passed_over), err=True)
    rate = (report.added + report.updated) / report.seconds if report.seconds else 0.0
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} files unchanged, {len(report.skipped)} skipped, "
        f"{len(report.duplicates)} duplicates and {len(report.ignored)} other files left out "
        f"(-v lists them); "
        f"{report.articles} articles in {safe_text(str(settings.index_dir))}/ "
        f"({report.seconds:.1f} s, {rate:,.0f} articles/s)",
        err=True,
    )
    if report.skipped:
        sys.exit(NOT_FOUND)


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@index_option
@pass_settings
def stats_command(settings: Settings, as_json: bool) -> None:
    """Show what the index holds: articles, date range, top sources, sections and
    keywords, size on disk.

    Every segment file is checked, as `verify` checks it: on a damaged index
    this says so and exits 1.

    \b
    Example:
        searcher stats
        searcher stats --json
    """
    try:
        with _errors(), settings.open_index() as ix:
            stats = ix.stats()
    except SearcherProblem as problem:
        if not isinstance(problem.__cause__, searcher.IndexCorruptError):
            raise
        click.echo(f"damaged: {problem.message}", err=True)
        sys.exit(NOT_FOUND)
    if as_json:
        click.echo(json.dumps(stats_json(stats)))
        return
    dates = (
        f"{shown_date(stats.first_date)} to {shown_date(stats.last_date)}"
        if stats.first_date
        else "none"
    )
    sources, sections, keywords = (
        ", ".join(f"{safe_text(name)} ({count})" for name, count in counts)
        for counts in (stats.sources, stats.sections, stats.keywords)
    )
    lines = [
        ("articles", f"{stats.articles:,}"),
        ("files", f"{stats.files:,}"),
        ("dates", dates),
        ("sources", sources or "none"),
        ("sections", sections or "none"),
        ("keywords", keywords or "none"),
        ("size", f"{stats.size_bytes / 1e6:.1f} MB in {settings.index_dir}/"),
        ("segments", f"{stats.segments} ({stats.deleted} deleted documents awaiting a merge)"),
    ]
    if stats.shards:
        counts = ", ".join(f"{name} ({count:,})" for name, count in stats.shards)
        lines.append(("shards", counts))
    for name, value in lines:
        click.echo(f"{name + ':':<10}{value}")


@cli.command("verify")
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path, exists=True))
@index_option
@pass_settings
def verify_command(settings: Settings, corpus: tuple[Path, ...]) -> None:
    """Check that the index reads, agrees with its manifest and (given) with CORPUS.

    Exits 1 and names the command that fixes it when something is wrong.

    \b
    Example:
        searcher verify
        searcher verify corpus/
    """
    with _errors():
        marks = ("searcher.json", "shards.json")
        if not any((settings.index_dir / mark).exists() for mark in marks):
            raise searcher.IndexNotFoundError(settings.index_dir)
        report = searcher.verify_index(settings.index_dir, *corpus)
    click.echo(
        f"{report.articles} articles indexed, {report.manifest_articles} in the manifest, "
        f"{report.files} files recorded."
    )
    for note in report.notes:
        click.echo(f"note: {safe_text(note)}", err=True)
    for problem in report.problems:
        click.echo(f"problem: {safe_text(problem)}", err=True)
    if not report.ok:
        click.echo(f"fix: {report.advice}", err=True)
        sys.exit(NOT_FOUND)
    click.echo("The index is sound.")
