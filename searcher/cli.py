"""The ``searcher`` command: thin shells over the library.

Each command parses options, calls one library function, renders the result,
and maps :class:`~searcher.errors.SearcherError` to a one-line error.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import click

import searcher
from searcher.config import INDEX_ENVVAR
from searcher.safetext import SafeFormatter, safe_text

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class QueryProblem(click.ClickException):
    """A query we cannot run: one line, exit code 2 like other usage errors."""

    exit_code = 2


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one-line click errors (no traceback)."""
    try:
        yield
    except searcher.QueryError as exc:
        raise QueryProblem(safe_text(str(exc))) from exc
    except searcher.SearcherError as exc:
        raise click.ClickException(safe_text(str(exc))) from exc


class Settings:
    """Group-level options, shared with every command."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir


pass_settings = click.make_pass_decorator(Settings)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="index",
    show_default=True,
    envvar=INDEX_ENVVAR,
    show_envvar=True,
    help="Folder of the index.",
)
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
@click.version_option(package_name="searcher")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path, verbose: int) -> None:
    """Full-text search over news articles.

    \b
    Example:
        searcher index corpus/
        searcher query "legal immunity"
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("searcher: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    ctx.obj = Settings(index_dir)


# -- rendering ---------------------------------------------------------------


def _shown_path(path: str) -> str:
    """Show a path relative to the working folder when it lies below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _iso(date: datetime | None) -> str | None:
    """ISO 8601: the day alone when no time of day is known."""
    if date is None:
        return None
    return date.date().isoformat() if date.time() == datetime.min.time() else date.isoformat()


def _shown_date(date: datetime | None) -> str:
    """A date for people: the day, and the time to the minute when known."""
    if date is None:
        return ""
    return f"{date:%Y-%m-%d}" if date.time() == datetime.min.time() else f"{date:%Y-%m-%d %H:%M}"


def _hit_json(hit: searcher.SearchHit) -> dict[str, Any]:
    data = asdict(hit)
    data["date"] = _iso(hit.date)
    data["score"] = round(hit.score, 4)
    return data


def _render_segments(segments: tuple[searcher.Segment, ...], color: bool) -> str:
    parts = []
    for segment in segments:
        text = " ".join(safe_text(segment.text).split(" "))
        text = re.sub(r" {2,}", " ", text)
        if segment.matched:
            text = click.style(text, bold=True, fg="yellow") if color else f"[{text}]"
        parts.append(text)
    return "…" + "".join(parts).strip() + "…"


def _render_hit(hit: searcher.SearchHit, color: bool) -> str:
    title = safe_text(hit.title) or "(no title)"
    head = f"{hit.rank}. " + (click.style(title, bold=True) if color else title)
    meta = [safe_text(x) for x in (hit.byline or hit.source, _shown_date(hit.date)) if x]
    meta.append(safe_text(_shown_path(hit.path)))
    lines = [head, "   " + " | ".join(meta)]
    lines += ["   " + _render_segments(snippet, color) for snippet in hit.snippets]
    return "\n".join(lines)


def _progress_bar(label: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """Return an ``on_progress`` callback drawing a bar on stderr, and its closer."""
    state: dict[str, Any] = {}

    def on_progress(done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(
                length=total, label=label, file=sys.stderr, show_eta=True, show_pos=True
            )
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done

    def close() -> None:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)

    return on_progress, close


# -- commands ----------------------------------------------------------------


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


def _opened_for_indexing(index_dir: Path, rebuild: bool) -> searcher.Index:
    """Open (or create) the index; with ``--rebuild``, a damaged one or one of
    another version is emptied instead of refused."""
    try:
        return searcher.open_index(index_dir, create=True)
    except (searcher.IndexCorruptError, searcher.IndexVersionError):
        if not rebuild:
            raise
    return searcher.reset_index(index_dir)


@cli.command("index")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--rebuild", is_flag=True, help="Drop the index and index everything again.")
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
@pass_settings
def index_command(
    settings: Settings,
    corpus: tuple[Path, ...],
    rebuild: bool,
    jobs: int | None,
    field_map: dict[str, str],
    max_file_mb: int,
) -> None:
    """Index the articles in CORPUS folders or files (incremental).

    Files unchanged since the last run are skipped, changed ones re-read, and
    articles of files gone from CORPUS removed. Exact duplicates (same title,
    body and date) are indexed once. Exits 1 when a file was skipped.

    \b
    Example:
        searcher index corpus/
        searcher --index news-index index ~/archive/ --rebuild --jobs 2
        searcher index export.jsonl --map body=story_text --map source=meta.outlet
    """
    options = searcher.ReadOptions(field_map=field_map, max_bytes=max_file_mb * 2**20)
    on_progress, close_bar = _index_progress()
    with _errors(), _opened_for_indexing(settings.index_dir, rebuild) as ix:
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
    rate = (report.added + report.updated) / report.seconds if report.seconds else 0.0
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} files unchanged, {len(report.skipped)} skipped, "
        f"{len(report.duplicates)} duplicates left out (-v lists them); "
        f"{report.articles} articles in {safe_text(str(settings.index_dir))}/ "
        f"({report.seconds:.1f} s, {rate:,.0f} articles/s)",
        err=True,
    )
    if report.skipped:
        sys.exit(1)


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check a --since/--until value now, so an unreadable date names its option."""
    if value is not None:
        try:
            searcher.date_range(value)
        except searcher.DateError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
    return value


def _render_facets(facets: searcher.Facets) -> str:
    lines = ["Sources:"]
    lines += [f"  {count:>6}  {safe_text(name) or '(unknown)'}" for name, count in facets.sources]
    lines.append("Months:")
    lines += [f"  {count:>6}  {name or '(undated)'}" for name, count in facets.months]
    return "\n".join(lines)


def _facets_json(facets: searcher.Facets) -> dict[str, Any]:
    return {"facets": {"source": dict(facets.sources), "month": dict(facets.months)}}


def _print_results(
    results: searcher.SearchResults, *, as_json: bool, empty: str, per_page: int
) -> None:
    """Print hits (and facets) to stdout, the summary and suggestion to stderr."""
    for note in results.notes:
        click.echo(f"note: {safe_text(note)}", err=True)
    if results.suggestion:
        click.echo(f"Did you mean: {safe_text(results.suggestion)}?", err=True)
    if as_json:
        for hit in results:
            click.echo(json.dumps(_hit_json(hit)))
        if results.facets is not None:
            click.echo(json.dumps(_facets_json(results.facets)))
        return
    color = sys.stdout.isatty()
    if not results.hits:
        past = f"Page {results.page} is past the last of {results.total} matching articles."
        click.echo(past if results.total else empty, err=True)
    for hit in results:
        text = _render_hit(hit, color)
        if hit.similar_count:
            text += f"\n   +{hit.similar_count} similar (--all lists them)"
        click.echo(text + "\n")
    if results.facets is not None:
        click.echo(_render_facets(results.facets))
    if results.hits:
        first = (results.page - 1) * per_page + 1
        shown = f"{first}-{first + len(results) - 1}" if results.page > 1 else str(len(results))
        click.echo(f"{shown} of {results.total} matching articles.", err=True)


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@pass_settings
def stats_command(settings: Settings, as_json: bool) -> None:
    """Show what the index holds: articles, date range, top sources, size on disk.

    \b
    Example:
        searcher stats
        searcher stats --json
    """
    with _errors(), searcher.open_index(settings.index_dir, mmap=False) as ix:
        stats = ix.stats()
    if as_json:
        data = asdict(stats)
        data["first_date"], data["last_date"] = _iso(stats.first_date), _iso(stats.last_date)
        data["sources"] = dict(stats.sources)
        click.echo(json.dumps(data))
        return
    dates = (
        f"{_shown_date(stats.first_date)} to {_shown_date(stats.last_date)}"
        if stats.first_date
        else "none"
    )
    sources = ", ".join(f"{safe_text(name)} ({count})" for name, count in stats.sources)
    lines = [
        ("articles", f"{stats.articles:,}"),
        ("files", f"{stats.files:,}"),
        ("dates", dates),
        ("sources", sources or "none"),
        ("size", f"{stats.size_bytes / 1e6:.1f} MB in {settings.index_dir}/"),
        ("segments", f"{stats.segments} ({stats.deleted} deleted documents awaiting a merge)"),
    ]
    for name, value in lines:
        click.echo(f"{name + ':':<10}{value}")


@cli.command("verify")
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path, exists=True))
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
        if not (settings.index_dir / "searcher.json").exists():
            raise searcher.IndexNotFoundError(settings.index_dir)
        report = searcher.verify_index(settings.index_dir, *corpus)
    click.echo(
        f"{report.articles} articles indexed, {report.manifest_articles} in the manifest, "
        f"{report.files} files recorded."
    )
    for problem in report.problems:
        click.echo(f"problem: {safe_text(problem)}", err=True)
    if not report.ok:
        click.echo(f"fix: {report.advice}", err=True)
        sys.exit(1)
    click.echo("The index is sound.")


@cli.command("query")
@click.argument("text")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("-p", "--page", type=click.IntRange(min=1), default=1, help="Page of hits.")
@click.option("--since", callback=_date_option, help="From this date: 2011-10-17, 2011-10, 2011.")
@click.option("--until", callback=_date_option, help="Through this date (the whole day/month).")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest"]),
    default="relevance",
    show_default=True,
)
@click.option("--byline", help="Only articles whose byline has these words.")
@click.option("--source", help="Only articles from this source, e.g. AFP.")
@click.option("--section", help="Only articles with this section or keyword.")
@click.option("--facets", is_flag=True, help="Count all matches by source and by month.")
@click.option("--all", "show_all", is_flag=True, help="List near-duplicates as separate hits.")
@click.option("--explain", is_flag=True, help="Print the parsed query on stderr.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@pass_settings
def query_command(
    settings: Settings,
    text: str,
    limit: int,
    page: int,
    since: str | None,
    until: str | None,
    sort: str,
    byline: str | None,
    source: str | None,
    section: str | None,
    facets: bool,
    show_all: bool,
    explain: bool,
    as_json: bool,
) -> None:
    """Search the index for TEXT and print ranked hits with snippets.

    Words need not all match; hits with more of them rank higher. Whoosh
    syntax works: "a phrase", AND/OR/NOT, word~ (fuzzy), field:value (title,
    byline, source, section). Clauses on byline, source, section and date
    restrict the hits: date:2011-10, date:2011-10-17, date:>2011-10-01,
    date:[2011-10-01 TO 2011-10-31]. --since/--until take 2011-10-17,
    2011-10, 2011, "17 October 2011", yesterday, "last week", "3 days ago".

    Copies of the same story (near-identical bodies) show once, with
    "+N similar" (copies among the next 20 matches); --all lists each.
    With --json, each hit is one JSON line (similar_ids names the collapsed
    copies) and --facets adds one final line
    {"facets": {"source": {...}, "month": {...}}}. "Did you mean" goes to
    stderr.

    \b
    Example:
        searcher query "legal immunity"
        searcher query 'byline:luce "sticking point"' --json
        searcher query immunity --since 2011-10-01 --until 2011-10-31 --sort newest
        searcher query cocoa --source Reuters --facets
    """
    filters = {
        name: value
        for name, value in (("byline", byline), ("source", source), ("section", section))
        if value
    }
    with _errors(), searcher.open_index(settings.index_dir, mmap=False) as ix:
        results = ix.search(
            text,
            limit=limit,
            page=page,
            since=since,
            until=until,
            sort=sort,
            filters=filters,
            facets=facets,
            collapse=not show_all,
        )
    if explain:
        click.echo(f"Parsed query: {safe_text(results.parsed)}", err=True)
    _print_results(
        results, as_json=as_json, empty=f"No articles match {safe_text(text)!r}.", per_page=limit
    )


@cli.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="The article as one JSON object.")
@pass_settings
def show_command(settings: Settings, article_id: str, as_json: bool) -> None:
    """Print the whole article with id ARTICLE_ID (ids: `searcher query --json`).

    \b
    Example:
        searcher show corpus/000_15647181341936f1.txt
    """
    with _errors(), searcher.open_index(settings.index_dir, mmap=False) as ix:
        article = ix.get(article_id)
    _print_article(article, as_json)


@cli.command("similar")
@click.argument("article_id")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@pass_settings
def similar_command(settings: Settings, article_id: str, limit: int, as_json: bool) -> None:
    """List the articles most similar to the one with id ARTICLE_ID (more like this).

    \b
    Example:
        searcher similar corpus/000_15647181341936f1.txt -n 5
    """
    with _errors(), searcher.open_index(settings.index_dir, mmap=False) as ix:
        results = ix.similar(article_id, limit=limit)
    _print_results(
        results,
        as_json=as_json,
        empty=f"No articles like {safe_text(article_id)!r}.",
        per_page=limit,
    )


def _print_article(article: searcher.Article, as_json: bool) -> None:
    """A reading view: headline, one line of facts, then the whole body."""
    if as_json:
        data = asdict(article)
        data["date"] = _iso(article.date)
        click.echo(json.dumps(data))
        return
    facts = [article.byline or article.source, _shown_date(article.date), article.id]
    lines = [safe_text(article.title) or "(no title)", " | ".join(safe_text(f) for f in facts if f)]
    if article.url:
        lines.append(safe_text(article.url))
    if article.keywords:
        lines.append("Keywords: " + safe_text(", ".join(article.keywords)))
    click.echo("\n".join(lines) + "\n\n" + safe_text(article.body, keep_newlines=True))


@cli.command("extract")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
def extract_command(file: Path, as_json: bool) -> None:
    """Print what would be indexed for FILE (title, byline, date, body).

    \b
    Example:
        searcher extract corpus/000_15647181341936f1.txt
    """
    with _errors():
        articles = searcher.read_file(file)
    for article in articles:
        if as_json:
            data = asdict(article)
            data["date"] = _iso(article.date)
            click.echo(json.dumps(data))
            continue
        fields = [
            ("id", article.id),
            ("title", article.title),
            ("byline", article.byline),
            ("source", article.source),
            ("date", _iso(article.date) or ""),
            ("url", article.url),
            ("keywords", ", ".join(article.keywords)),
        ]
        for name, value in fields:
            click.echo(f"{name + ':':<10}{safe_text(value)}")
        click.echo("\n" + safe_text(article.body, keep_newlines=True) + "\n")
