"""``searcher export``: the indexed articles, every stored field, for other tools."""

from __future__ import annotations

import sys

import click

import searcher
from searcher.cli import FOUND, NOT_FOUND, Settings, _errors, cli, index_option, pass_settings
from searcher.cli.formats import ARTICLE_FIELDS, fields_option, print_articles


@cli.command("export")
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
def export_command(settings: Settings, fmt: str, fields: tuple[str, ...]) -> None:
    """Write every indexed article to stdout, with every stored field.

    The articles as cleaned for the index (title, byline, source, date, url,
    keywords, body), in the order they were indexed, one at a time, so memory
    stays flat on any index: feed them to pandas, datasette or another
    engine. Dates are ISO 8601 with their offset; CSV keywords are joined by
    commas. Exits 1 when the index is empty.

    \b
    Example:
        searcher export > articles.jsonl
        searcher export --format csv --fields id,date,title > articles.csv
        searcher export | sqlite-utils insert news.db articles - --nl
    """
    with _errors(), searcher.open_index(settings.index_dir, mmap=False) as ix:
        if not isinstance(ix, searcher.Index):
            raise click.UsageError("searcher export reads a plain index; a sharded one is not yet.")
        count = print_articles(ix.articles(), fmt, fields)
    sys.exit(FOUND if count else NOT_FOUND)
