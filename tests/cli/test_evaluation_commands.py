"""`searcher eval`: the index scored against a reader's own judgments."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import searcher
from searcher.cli import cli
from searcher.runfile import read_run

# The first word a query stems out of the index's stem table imports nltk; on a
# loaded machine that alone can pass the 5 s query budget, so load it before.
searcher.analyze_text("warm up")


def _files(tmp_path: Path, runner: CliRunner) -> tuple[Path, Path]:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "7.txt").write_text("Cocoa harvest\n\nCocoa prices rose as the harvest failed.")
    (corpus / "8.txt").write_text("Oil output\n\nOPEC agreed to cut oil output.")
    result = runner.invoke(cli, ["index", str(corpus)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    queries = tmp_path / "queries.tsv"
    queries.write_text("1\tcocoa prices?\n2\tOPEC oil\n")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("1 0 7 1\n2 0 8 1\n2 0 7 0\n")
    return queries, qrels


def test_eval_prints_the_measures_and_writes_a_trec_run(tmp_path: Path, runner: CliRunner) -> None:
    queries, qrels = _files(tmp_path, runner)
    run = tmp_path / "out.trec"
    args = ["eval", "--queries", str(queries), "--qrels", str(qrels), "--run", str(run)]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2 queries scored, 100 hits each"
    # One relevant article per query, found first: P@10 is 1/10.
    expected = {"MAP": 1.0, "nDCG@10": 1.0, "P@10": 0.1, "R@100": 1.0, "MRR": 1.0}
    assert lines[1:] == [f"{m:<9s}{v:.4f}" for m, v in expected.items()]
    ranked = read_run(run)
    assert [line.doc_id for line in ranked["1"]] == ["7"]
    assert all(len(line.split()) == 6 for line in run.read_text().splitlines())


def test_bad_judgments_are_one_line(tmp_path: Path, runner: CliRunner) -> None:
    queries, qrels = _files(tmp_path, runner)
    qrels.write_text("1 7 1\n")
    result = runner.invoke(cli, ["eval", "--queries", str(queries), "--qrels", str(qrels)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {qrels}: line 1 cannot be read: a qrels line is "
        "`query_id iteration doc_id relevance`"
    ]
