"""``searcher export``: the indexed articles, every stored field, for other tools."""

from __future__ import annotations

import sys
from typing import Any

import click

import searcher
from searcher.cli import FOUND, NOT_FOUND, Settings, _errors, cli, index_option, pass_settings
from searcher.cli.formats import ARTICLE_FIELDS, fields_option, print_articles
from searcher.cli.restrictions import restriction_options


@cli.command("export")
@click.argument("words", nargs=-1)
@restriction_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "tsv"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object an article; csv, tsv: a header row, then an article a row.",
)
@fields_option(ARTICLE_FIELDS, "all of them")
@index_option
@pass_settings
def export_command(
    settings: Settings,
    /,
    words: tuple[str, ...],
    restrictions: dict[str, Any],
    fmt: str,
    fields: tuple[str, ...],
) -> None:
    """Write the indexed articles to stdout, with every stored field: all of
    them, or every hit of a query (WORDS and the options, as `searcher query`
    takes them).

    The articles as cleaned for the index (title, byline, source, date, url,
    keywords, body), one at a time, so memory stays flat on any index: feed
    them to pandas, datasette or another engine. All articles come in the
    order they were indexed (a sharded index's shard after shard); a query's
    hits best first (near-duplicates included), or by date with --sort, in
    the same order from a sharded index as from one index. Dates are ISO 8601 with their offset;
    CSV keywords are joined by commas. Exits 1 when nothing is written.

    \b
    Example:
        searcher export > articles.jsonl
        searcher export --format csv --fields id,date,title > articles.csv
        searcher export | sqlite-utils insert news.db articles - --nl
        searcher export cocoa --since 1987-03 --format csv --fields id,date,title
    """
    text = " ".join(words)
    given = restrictions["filters"] or restrictions["since"] or restrictions["until"]
    restricted = bool(text.strip() or given)
    if not restricted and restrictions["sort"] != "relevance":
        raise click.UsageError(
            f"--sort {restrictions['sort']} orders a query's hits; give words or a filter "
            "(--since 1900 keeps every dated article), or leave --sort out to export every "
            "article in the order it was indexed."
        )
    with _errors(), searcher.open_index(settings.index_dir, mmap=False) as ix:
        articles = ix.matches(text, **restrictions) if restricted else ix.articles()
        count = print_articles(articles, fmt, fields)
    sys.exit(FOUND if count else NOT_FOUND)
