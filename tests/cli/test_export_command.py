"""``searcher export``: every article, every stored field, streamed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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
