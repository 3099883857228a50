"""``searcher export``: every article, every stored field, streamed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli
from searcher.cli.formats import ARTICLE_FIELDS
from tests.conftest import SEED_ID


def test_export_writes_every_article_with_every_field(
    runner: CliRunner, built_index: searcher.Index
) -> None:
    result = runner.invoke(cli, ["export"], catch_exceptions=False)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(built_index) == 17
    seed = next(row for row in rows if row["id"] == SEED_ID)
    assert set(seed) == set(ARTICLE_FIELDS)
    assert seed["date"] == "2011-10-17T00:00:00Z"
    assert seed["body"] == built_index.get(SEED_ID).body


def test_export_csv_and_chosen_fields(runner: CliRunner, built_index: searcher.Index) -> None:
    result = runner.invoke(cli, ["export", "--format", "csv", "--fields", "id,keywords"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "keywords"] and len(rows) == 1 + len(built_index)
    assert ["corpus/world/cocoa-harvest.txt", "world"] in rows


def test_export_of_an_empty_index_exits_1(runner: CliRunner, index_env: Path) -> None:
    searcher.open_index(index_env, create=True).close()
    result = runner.invoke(cli, ["export"])
    assert (result.exit_code, result.stdout) == (1, "")


def test_export_of_a_query_writes_its_hits_whole_with_the_query_options(
    runner: CliRunner, built_index: searcher.Index
) -> None:
    hits = built_index.search("cocoa", limit=100, collapse=False)
    result = runner.invoke(cli, ["export", "cocoa"], catch_exceptions=False)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == [hit.id for hit in hits.hits]  # best first
    assert all(set(row) == set(ARTICLE_FIELDS) for row in rows)
    assert rows[0]["body"] == built_index.get(rows[0]["id"]).body  # whole, not a snippet

    # The same filters, sort and words modes as `searcher query`.
    args = ["cocoa", "--since", "1987", "--until", "1987", "--sort", "oldest"]
    result = runner.invoke(cli, ["export", *args, "--format", "csv", "--fields", "id,date"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["id", "date"], ["corpus/wire/1987-02-wire.sgm#1", rows[1][1]]]
    assert rows[1][1].startswith("1987-02-26")
    result = runner.invoke(cli, ["export", "--section", "feeds", "--sort", "oldest"])
    dates = [json.loads(line)["date"] for line in result.stdout.splitlines()]
    known = [date for date in dates if date]
    assert len(dates) == 6 and known == sorted(known) and dates[-1] is None
    every = runner.invoke(cli, ["export", "cocoa", "harvest", "--all"]).stdout.splitlines()
    some = runner.invoke(cli, ["export", "cocoa", "harvest"]).stdout.splitlines()
    assert 0 < len(every) < len(some)


def test_export_of_a_query_without_hits_exits_1_and_a_bad_date_2(
    runner: CliRunner, built_index: searcher.Index
) -> None:
    assert runner.invoke(cli, ["export", "zzyzzx"]).exit_code == 1
    result = runner.invoke(cli, ["export", "cocoa", "--since", "someday"])
    assert result.exit_code == 2 and "--since" in result.stderr


def test_a_date_order_without_words_or_filters_is_refused_not_ignored(
    runner: CliRunner, built_index: searcher.Index
) -> None:
    result = runner.invoke(cli, ["export", "--sort", "newest"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "--sort newest orders a query's hits" in result.stderr
    dated = runner.invoke(
        cli, ["export", "--sort", "oldest", "--since", "1900", "--fields", "date"]
    )
    dates = dated.stdout.splitlines()
    assert dated.exit_code == 0 and len(dates) > 1 and dates == sorted(dates)


def test_json_paths_are_relative_to_the_working_folder(
    runner: CliRunner,
    built_index: searcher.Index,
    corpus_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As `searcher index corpus/` was given from the folder above the corpus."""
    monkeypatch.chdir(corpus_dir.parent)
    exported = runner.invoke(cli, ["export", "cocoa"]).stdout.splitlines()
    paths = {json.loads(line)["path"] for line in exported}
    assert "corpus/world/cocoa-harvest.txt" in paths
    hit = json.loads(runner.invoke(cli, ["query", "cocoa", "--json"]).stdout)["hits"][0]
    assert hit["path"] == json.loads(exported[0])["path"]
    shown = json.loads(runner.invoke(cli, ["show", SEED_ID, "--json"]).stdout)
    assert shown["path"] == SEED_ID
    # The library keeps the path the file was read from.
    assert built_index.get(SEED_ID).path == str(corpus_dir / "000_15647181341936f1.txt")
