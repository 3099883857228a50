"""Commands that read: ``query``, ``show``, ``similar``, ``extract``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

import searcher
from searcher.cli import Settings, _errors, cli, index_option, pass_settings
from searcher.cli.formats import Output, limit_option, output_options
from searcher.cli.render import passed_over_line, print_article, shown_path
from searcher.cli.restrictions import restriction_options
from searcher.jsonshape import article_json, iso
from searcher.text.safety import safe_text


@cli.command("query")
@click.argument("words", nargs=-1)
@limit_option("Hits a page.")
@click.option("-p", "--page", type=click.IntRange(min=1), default=1, help="Page of hits.")
@restriction_options
@click.option(
    "--facets",
    is_flag=False,
    flag_value="source,month",
    default=None,
    metavar="[FIELD,...]",
    help="Count all matches by these fields (alone: source and month): source, byline, "
    "section, keywords, topics, places, people, orgs, exchanges, companies, month, year.",
)
@click.option(
    "--histogram",
    type=click.Choice(["day", "week", "month", "year", "auto"]),
    help="Count all matches by day, week, month or year of their date, drawn as bars "
    "(auto: the interval from their span).",
)
@click.option(
    "--no-collapse", "show_all", is_flag=True, help="List near-duplicates as separate hits."
)
@click.option(
    "--exact-total",
    is_flag=True,
    help="Count every match, where common words would give an estimate of the total.",
)
@click.option("--explain", is_flag=True, help="Print the parsed query on stderr.")
@output_options
@pass_settings
def query_command(
    settings: Settings,
    /,
    words: tuple[str, ...],
    limit: int,
    page: int,
    restrictions: dict[str, Any],
    facets: str | None,
    histogram: str | None,
    show_all: bool,
    exact_total: bool,
    explain: bool,
    **output: Any,
) -> None:
    """Search the index for WORDS and print ranked hits with snippets.

    WORDS need no quotes: `searcher query legal immunity` is
    `searcher query "legal immunity"`. Words need not all match; hits with
    more of them rank higher. Whoosh syntax works: "a phrase", AND/OR/NOT,
    word~ (fuzzy), field:value (title, byline, source, section). Clauses on
    byline, source, section and date restrict the hits: date:2011-10,
    date:2011-10-17, date:>2011-10-01, date:[2011-10-01 TO 2011-10-31].
    --since/--until take 2011-10-17, 2011-10, 2011, "17 October 2011",
    yesterday, "last week", "3 days ago".

    Syntax counts only where it is well formed: prose stays words
    ("systems?" ends a question, "nutrition: what" is two words), and notes
    on stderr say what was read otherwise and which words were not searched
    for. --plain reads TEXT as words only; --all requires every word. TEXT
    may be empty when --source, --byline, --section, --since or --until is
    given: their articles are listed newest first.

    The total is counted, except where the words are so common that counting
    would cost more than ranking: it is then estimated from their posting
    counts and shown as "about N" (--json: "total_exact": false);
    --exact-total counts it, as --count, --facets and --histogram do.

    Copies of the same story (near-identical bodies) show once, with
    "+N similar" (copies among the next 20 matches); --no-collapse lists each.
    Each hit shows the article's id, which `show` and `similar` take.
    --facets and --histogram add "facets" and "histogram" to --json, and a
    line each to jsonl. "Did you mean" and notes go to stderr. Exits 0 with
    hits, 1 with none, 2 on an error.

    \b
    Example:
        searcher query legal immunity
        searcher query 'byline:luce "sticking point"' --json
        searcher query immunity --since 2011-10-01 --until 2011-10-31 --sort newest
        searcher query cocoa --source Reuters --facets
        searcher query cocoa --facets topics,places --histogram month
        searcher query oil --format csv --fields id,date,title -n 5
        searcher query cocoa --ids | head -1 | xargs searcher show
    """
    out = Output(**output)
    text = " ".join(words)
    with (
        _errors(),
        settings.open_index() as ix,
    ):
        results = ix.search(
            text,
            limit=1 if out.count else limit,
            page=1 if out.count else page,
            facets=False if out.count else (facets or False),
            histogram=None if out.count else histogram,
            collapse=not show_all,
            exact_total=exact_total or out.count,
            **restrictions,
        )
    if explain:
        click.echo(f"Parsed query: {safe_text(results.parsed)}", err=True)
    code = out.print(results, empty=f"No articles match {safe_text(text)!r}.", per_page=limit)
    sys.exit(code)


@cli.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="The article as one JSON object.")
@index_option
@pass_settings
def show_command(settings: Settings, article_id: str, as_json: bool) -> None:
    """Print the whole article with id ARTICLE_ID, as hits show it.

    The beginning of an id will do when no other id begins so. A long
    article goes through $PAGER (default: less) on a terminal.

    \b
    Example:
        searcher show corpus/000_15647181341936f1.txt
        searcher show corpus/000_156
        searcher query cocoa --ids | head -1 | xargs searcher show
    """
    with (
        _errors(),
        settings.open_index() as ix,
    ):
        article = ix.get(article_id)
    print_article(article, as_json)


@cli.command("similar")
@click.argument("article_id")
@limit_option("How many similar articles.")
@output_options
@pass_settings
def similar_command(settings: Settings, /, article_id: str, limit: int, **output: Any) -> None:
    """List the articles most similar to the one with id ARTICLE_ID (more like this).

    The beginning of an id will do when no other id begins so. Exits 0 with
    hits, 1 with none.

    \b
    Example:
        searcher similar corpus/000_15647181341936f1.txt -n 5
        searcher similar corpus/000_156 --ids
    """
    out = Output(**output)
    with _errors(), settings.open_index() as ix:
        results = ix.similar(article_id, limit=limit)
    empty = f"No articles like {safe_text(article_id)!r}."
    sys.exit(out.print(results, empty=empty, per_page=limit))


@cli.command("extract")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=0,
    help="Print only the first N articles (a web archive or feed holds thousands); 0: all.",
)
@index_option
def extract_command(file: Path, as_json: bool, limit: int) -> None:
    """Print what would be indexed for FILE (id, title, byline, date, body), and
    for a web archive the records passed over, by reason (on stderr).

    Ids are FILE's path as given (below the working folder when it is), so
    `searcher extract corpus/wire/1987-02-wire.sgm` shows the ids that
    `searcher index corpus/` gives.

    \b
    Example:
        searcher extract corpus/000_15647181341936f1.txt
        searcher extract corpus/crawls/2011-10-harbour.warc.gz --limit 2
    """
    with _errors():
        read = searcher.read_file_counted(file, shown_path(file))
    articles = read.articles[:limit] if limit else read.articles
    for article in articles:
        if as_json:
            click.echo(json.dumps(article_json(article)))
            continue
        fields = [
            ("id", article.id),
            ("title", article.title),
            ("byline", article.byline),
            ("source", article.source),
            ("date", iso(article.date) or ""),
            ("crawled", iso(article.crawled) or ""),
            ("url", article.url),
            ("keywords", ", ".join(article.keywords)),
        ]
        for name, value in fields:
            if value or name != "crawled":
                click.echo(f"{name + ':':<10}{safe_text(value)}")
        click.echo("\n" + safe_text(article.body, keep_newlines=True) + "\n")
    if len(articles) < len(read.articles):
        click.echo(f"{len(articles)} of {len(read.articles)} articles shown.", err=True)
    if read.passed_over:
        click.echo(passed_over_line(read.passed_over), err=True)
