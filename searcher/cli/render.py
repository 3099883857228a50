"""Rendering results for people: the terminal's text form (``--format text``).

Programs' formats are in :mod:`.formats`. Hits show the article's id (the
path below the folder given to ``searcher index``, with ``#key`` for one
record of a file that holds many), which ``show`` and ``similar`` take.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

import searcher
from searcher.jsonshape import article_json
from searcher.text.safety import safe_text


def shown_date(date: datetime | None) -> str:
    """A date for people: the day, and the time to the minute when known."""
    if date is None:
        return ""
    return f"{date:%Y-%m-%d}" if date.time() == datetime.min.time() else f"{date:%Y-%m-%d %H:%M}"


def render_segments(segments: tuple[searcher.Segment, ...], color: bool) -> str:
    parts = []
    for segment in segments:
        text = " ".join(safe_text(segment.text).split(" "))
        text = re.sub(r" {2,}", " ", text)
        if segment.matched:
            text = click.style(text, bold=True, fg="yellow") if color else f"[{text}]"
        parts.append(text)
    return "…" + "".join(parts).strip() + "…"


def passed_over_line(counts: tuple[tuple[str, int], ...]) -> str:
    """The records of a web archive passed over, by reason, on one line."""
    return "records passed over: " + ", ".join(
        f"{count} {safe_text(reason)}" for reason, count in counts
    )


def dated(date: datetime | None, crawled: datetime | None) -> str:
    """The publication date, else when a web archive captured the page, said so."""
    if date is None and crawled is not None:
        return f"crawled {shown_date(crawled)}"
    return shown_date(date)


def render_hit(hit: searcher.SearchHit, color: bool) -> str:
    title = safe_text(hit.title) or "(no title)"
    head = f"{hit.rank}. " + (click.style(title, bold=True) if color else title)
    meta = [safe_text(x) for x in (hit.byline or hit.source, dated(hit.date, hit.crawled)) if x]
    meta.append(safe_text(hit.id))
    lines = [head, "   " + " | ".join(meta)]
    lines += ["   " + render_segments(snippet, color) for snippet in hit.snippets]
    return "\n".join(lines)


#: Values shown per facet in the terminal (``--json`` gives them all).
FACET_LINES = 10
#: Facet headings; a facet's articles without a value show as ``(unknown)``.
FACET_TITLES = {"month": "Months", "year": "Years", "people": "People"}
#: The widest bar of a histogram in the terminal, in characters.
BAR_WIDTH = 40


def render_facets(facets: searcher.Facets) -> str:
    lines = []
    for name, counts in facets.counts:
        lines.append(
            FACET_TITLES.get(name, name.capitalize() + ("s" if name[-1] != "s" else "")) + ":"
        )
        dated = name in searcher.Facets.DATED
        missing = "(undated)" if dated else "(unknown)"
        shown = counts if dated else counts[:FACET_LINES]
        lines += [f"  {count:>6}  {safe_text(value) or missing}" for value, count in shown]
        if len(shown) < len(counts):
            lines.append(f"  … {len(counts) - len(shown)} more (--json lists them all)")
        if not counts:
            lines.append("  (none)")
    return "\n".join(lines)


def render_histogram(histogram: searcher.Histogram) -> str:
    """The histogram as bars, one line a bucket."""
    lines = [f"Timeline (articles a {histogram.interval}):"]
    most = max((b.count for b in histogram.buckets), default=0)
    width = max((len(b.label) for b in histogram.buckets), default=0)
    if histogram.undated:
        width = max(width, len("undated"))
    for bucket in histogram.buckets:
        bar = "█" * round(BAR_WIDTH * bucket.count / most) if most else ""
        lines.append(f"  {bucket.label:<{width}}  {bucket.count:>6}  {bar}".rstrip())
    if histogram.undated:
        lines.append(f"  {'undated':<{width}}  {histogram.undated:>6}")
    return "\n".join(lines)


def print_notes(results: searcher.SearchResults) -> None:
    """What was not searched for, and a better spelling, on stderr."""
    for note in results.notes:
        click.echo(f"note: {safe_text(note)}", err=True)
    if results.suggestion:
        click.echo(f"Did you mean: {safe_text(results.suggestion)}?", err=True)


def print_results(
    results: searcher.SearchResults, *, color: bool, empty: str, per_page: int
) -> None:
    """Print hits (and facets) to stdout, the summary to stderr."""
    if not results.hits:
        past = f"Page {results.page} is past the last of {matching(results)}."
        click.echo(past if results.total else empty, err=True)
    for hit in results:
        text = render_hit(hit, color)
        if hit.similar_count:
            text += f"\n   +{hit.similar_count} similar (--no-collapse lists them)"
        click.echo(text + "\n", color=color)
    if results.facets is not None:
        click.echo(render_facets(results.facets))
    if results.histogram is not None:
        click.echo(render_histogram(results.histogram))
    if results.hits:
        first = (results.page - 1) * per_page + 1
        shown = f"{first}-{first + len(results) - 1}" if results.page > 1 else str(len(results))
        click.echo(f"{shown} of {matching(results)}.", err=True)


def matching(results: searcher.SearchResults) -> str:
    """``N matching articles``, or ``about N matching articles (...)`` for an estimate."""
    if results.total_exact:
        return f"{results.total} matching articles"
    return f"about {results.total:,} matching articles (an estimate; --exact-total counts them)"


def article_text(article: searcher.Article) -> str:
    """A reading view: headline, one line of facts, then the whole body."""
    facts = [article.byline or article.source, dated(article.date, article.crawled), article.id]
    lines = [safe_text(article.title) or "(no title)", " | ".join(safe_text(f) for f in facts if f)]
    if article.url:
        lines.append(safe_text(article.url))
    if article.keywords:
        lines.append("Keywords: " + safe_text(", ".join(article.keywords)))
    return "\n".join(lines) + "\n\n" + safe_text(article.body, keep_newlines=True)


def shown_path(path: str | Path) -> str:
    """A file's path as the shell shows it: below the working folder, relative
    to it (``corpus/wire/1987-02-wire.sgm`` after ``searcher index corpus/``),
    else whole. The library keeps the path the file was read from."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def shown_article_json(article: searcher.Article) -> dict[str, Any]:
    """:func:`~searcher.jsonshape.article_json` with the path as :func:`shown_path` gives it."""
    data = article_json(article)
    data["path"] = shown_path(article.path)
    return data


def print_article(article: searcher.Article, as_json: bool) -> None:
    """The article as JSON, or as text: through ``$PAGER`` when it is longer
    than the terminal (as ``git log`` does), else printed."""
    if as_json:
        click.echo(json.dumps(shown_article_json(article)))
        return
    text = article_text(article)
    if sys.stdout.isatty() and text.count("\n") + 1 > shutil.get_terminal_size().lines:
        click.echo_via_pager(text)
    else:
        click.echo(text)
