"""Output for programs: ``--format json|jsonl|csv|tsv|trec``, ``--fields``,
``--ids`` and ``--count``. The terminal's text form is in :mod:`.render`.

Every format prints the same values: JSON ones from :mod:`searcher.jsonshape`,
CSV and TSV one row a hit under a header row naming the fields, TREC one run
line a hit (:mod:`searcher.runfile`).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import click

import searcher
from searcher.cli import FOUND, NOT_FOUND, F, color_option, index_option, use_color
from searcher.cli.render import print_notes, print_results, shown_article_json, shown_path
from searcher.jsonshape import facets_json, histogram_json, hit_json, results_json
from searcher.runfile import run_lines
from searcher.text.safety import safe_text

FORMATS = ("text", "json", "jsonl", "csv", "tsv", "trec")
#: What ``--fields`` may name for a hit; ``snippet`` is its snippets' plain text.
HIT_FIELDS = (
    "rank",
    "score",
    "id",
    "path",
    "title",
    "byline",
    "source",
    "date",
    "url",
    "snippet",
    "similar_count",
    "similar_ids",
    "crawled",
)
#: The columns of CSV and TSV when ``--fields`` is not given.
DEFAULT_HIT_FIELDS = ("rank", "score", "id", "date", "source", "title")
#: What ``--fields`` may name for an article (``searcher export``): all it stores.
ARTICLE_FIELDS = (
    "id",
    "path",
    "title",
    "byline",
    "source",
    "date",
    "crawled",
    "url",
    "keywords",
    "labels",
    "body",
)


def fields_option(choices: Sequence[str], what: str) -> Callable[[F], F]:
    """The ``--fields`` option, checked against ``choices``."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
        if value is None:
            return ()
        names = tuple(name.strip() for name in value.split(",") if name.strip())
        unknown = [name for name in names if name not in choices]
        if unknown or not names:
            raise click.BadParameter(
                f"{', '.join(unknown) or 'nothing'} is not a field; "
                f"choose from {', '.join(choices)}",
                ctx=ctx,
                param=param,
            )
        return names

    return click.option(
        "--fields",
        metavar="F1,F2...",
        callback=check,
        help=f"Columns (CSV, TSV) or keys (JSON) to print, from: {', '.join(choices)}. "
        f"[default: {what}]",
    )


def snippet_text(hit: searcher.SearchHit) -> str:
    """A hit's snippets as plain text, joined by `` … ``."""
    return " … ".join("".join(s.text for s in snippet).strip() for snippet in hit.snippets)


def _cell(value: Any) -> str:
    """A CSV/TSV cell: lists joined by commas, no control characters."""
    if isinstance(value, list | tuple):
        # labels are (kind, value) pairs: kind:value
        value = ",".join(":".join(v) if isinstance(v, list | tuple) else str(v) for v in value)
    return "" if value is None else safe_text(str(value))


def _hit_values(hit: searcher.SearchHit) -> dict[str, Any]:
    data = hit_json(hit)
    data["snippet"] = snippet_text(hit)
    return data


def _pick(data: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    return {name: data[name] for name in fields} if fields else data


def write_table(rows: Iterable[dict[str, Any]], fields: Sequence[str], tsv: bool) -> None:
    """CSV (RFC 4180) or TSV rows under a header row, streamed to stdout."""
    out = sys.stdout
    if tsv:
        out.write("\t".join(fields) + "\n")
        for row in rows:
            cells = (" ".join(_cell(row[name]).split()) for name in fields)
            out.write("\t".join(cells) + "\n")
    else:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow([_cell(row[name]) for name in fields])
    out.flush()


def print_formatted(
    results: searcher.SearchResults,
    fmt: str,
    fields: Sequence[str],
    *,
    per_page: int,
    qid: str,
) -> None:
    """Print ``results`` as ``fmt`` (anything but ``text``) on stdout."""
    hits = tuple(replace(hit, path=shown_path(hit.path)) for hit in results.hits)
    results = replace(results, hits=hits)
    if fmt == "json":
        data = results_json(results, per_page)
        if fields:
            data["hits"] = [_pick(_hit_values(hit), fields) for hit in results]
        click.echo(json.dumps(data))
    elif fmt == "jsonl":
        for hit in results:
            click.echo(json.dumps(_pick(_hit_values(hit), fields) if fields else hit_json(hit)))
        if results.facets is not None:
            click.echo(json.dumps(facets_json(results.facets)))
        if results.histogram is not None:
            click.echo(json.dumps(histogram_json(results.histogram)))
    elif fmt in ("csv", "tsv"):
        rows = (_hit_values(hit) for hit in results)
        write_table(rows, fields or DEFAULT_HIT_FIELDS, fmt == "tsv")
    elif fmt == "trec":
        ranked = [("_".join(hit.id.split()), hit.score) for hit in results]
        for line in run_lines("_".join(qid.split()) or "-", ranked):
            click.echo(str(line))


def print_ids(results: searcher.SearchResults) -> None:
    """One id a line: what ``show``, ``similar`` and ``xargs`` take."""
    for hit in results:
        click.echo(safe_text(hit.id))


def print_articles(articles: Iterable[searcher.Article], fmt: str, fields: Sequence[str]) -> int:
    """Stream articles as JSON Lines, CSV or TSV; return how many were written."""
    count = 0

    def rows() -> Iterable[dict[str, Any]]:
        nonlocal count
        for article in articles:
            count += 1
            yield shown_article_json(article)

    if fmt == "jsonl":
        out = sys.stdout
        for data in rows():
            out.write(json.dumps(_pick(data, fields)) + "\n")
        out.flush()
    else:
        write_table(rows(), fields or ARTICLE_FIELDS, fmt == "tsv")
    return count


def limit_option(help: str) -> Callable[[F], F]:
    """``-n/--limit``: how many hits a page."""
    return click.option(
        "-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help=help
    )


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options choosing how hits are printed, shared by ``query`` and ``similar``."""
    decorators = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="text for people; json (one document: total, page, pages, hits), "
            "jsonl (one hit a line), csv, tsv (a header row, then a hit a row), "
            "trec (run lines for trec_eval).",
        ),
        fields_option(HIT_FIELDS, "for CSV/TSV " + ",".join(DEFAULT_HIT_FIELDS) + "; JSON: all"),
        click.option("--json", "as_json", is_flag=True, help="Short for --format json."),
        click.option(
            "--ids", is_flag=True, help="Print only the hits' ids, one a line (for xargs)."
        ),
        click.option("--count", is_flag=True, help="Print only how many articles match."),
        color_option,
        index_option,
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


class Output:
    """How one command prints its hits, from the options of :func:`output_options`."""

    def __init__(
        self, fmt: str, fields: Sequence[str], as_json: bool, ids: bool, count: bool, color: str
    ) -> None:
        if as_json and fmt not in ("text", "json"):
            raise click.UsageError(f"--json and --format {fmt} disagree; give one of them.")
        if ids and count:
            raise click.UsageError("--ids and --count disagree; give one of them.")
        self.fmt = "json" if as_json else fmt
        if fields and (self.fmt in ("text", "trec") or ids or count):
            raise click.UsageError("--fields chooses the keys of --format json, jsonl, csv or tsv.")
        self.fields = fields
        self.ids = ids
        self.count = count
        self.color = use_color(color)

    def print(self, results: searcher.SearchResults, *, empty: str, per_page: int) -> int:
        """Print ``results``; return the exit code (0 with hits, 1 without)."""
        if self.count:
            click.echo(results.total)
            return FOUND if results.total else NOT_FOUND
        print_notes(results)
        if self.ids:
            print_ids(results)
        elif self.fmt == "text":
            print_results(results, color=self.color, empty=empty, per_page=per_page)
        else:
            print_formatted(results, self.fmt, self.fields, per_page=per_page, qid=results.query)
        return FOUND if results.hits else NOT_FOUND
