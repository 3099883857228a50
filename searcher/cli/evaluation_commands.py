"""The ``eval`` command: score the index against a reader's own judgments."""

from __future__ import annotations

from pathlib import Path

import click

from searcher.cli import Settings, _errors, cli, index_option, pass_settings
from searcher.runfile import read_qrels, read_queries
from searcher.text.safety import safe_text

_FILE = click.Path(path_type=Path, exists=True, dir_okay=False)


@cli.command("eval")
@click.option(
    "--queries", "queries_file", type=_FILE, required=True, help="TSV id<TAB>text, or TREC topics."
)
@click.option(
    "--qrels", "qrels_file", type=_FILE, required=True, help="TREC judgments: qid 0 docid rel."
)
@click.option(
    "--run",
    "run_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the run here (TREC format).",
)
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Hits ranked per query.",
)
@click.option("--tag", default="searcher", show_default=True, help="Run tag of the run lines.")
@click.option("--per-query", is_flag=True, help="Also print each query's figures.")
@index_option
@pass_settings
def eval_command(
    settings: Settings,
    queries_file: Path,
    qrels_file: Path,
    run_file: Path | None,
    limit: int,
    tag: str,
    per_query: bool,
) -> None:
    """Score the index against judgments: MAP, nDCG@10, P@10, R@100, MRR.

    Each judged query of --queries runs as `searcher query --no-collapse --limit N`
    would run it; the ranking is scored against --qrels with trec_eval's
    measures (ir-measures). A judgment may name an article by its id, its
    file name or its file name without suffix (1440 for cisi/1440.txt).

    \b
    Example:
        searcher eval --queries topics.tsv --qrels qrels.txt --run searcher.trec
    """
    with _errors():
        queries = read_queries(queries_file)
        qrels = read_qrels(qrels_file)
        with settings.open_index() as ix:
            try:
                result = ix.evaluate(queries, qrels, limit=limit, tag=tag)
            except ValueError as exc:  # a run tag with a space
                raise click.BadParameter(str(exc), param_hint="--tag") from exc
    for note in result.notes:
        click.echo(f"searcher: {safe_text(note)}", err=True)
    if run_file is not None:
        try:
            run_file.write_text("".join(f"{line}\n" for line in result.run), encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(
                f"{run_file}: cannot be written ({exc.strerror or exc})"
            ) from exc
    names = [name for name, _ in result.measures]
    if per_query:
        click.echo("query".ljust(12) + "".join(f"{name:>9s}" for name in names))
        for query_id, values in result.per_query:
            click.echo(safe_text(query_id)[:11].ljust(12) + "".join(f"{v:9.4f}" for v in values))
    click.echo(f"{result.queries} queries scored, {limit} hits each")
    for name, value in result.measures:
        click.echo(f"{name:<9s}{value:.4f}")
