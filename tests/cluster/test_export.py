"""Exporting a sharded index: the rows of one unsharded index, in its order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli

QUERIES: list[tuple[str, dict[str, object]]] = [
    ("oil prices", {}),
    ("cocoa OR harvest", {}),
    ("prices NOT cocoa", {"sort": "newest"}),
    ("pric*", {"sort": "oldest"}),
    ("exprots~", {}),
    ("iraq troops withdrawal immunity", {}),  # feedback words chosen from all shards
    ("", {"filters": {"source": "reuters"}}),
    ("", {"since": "2011-10-01"}),
    ("prices", {"since": "2011-10-01", "until": "2011-10-31"}),
]


@pytest.mark.parametrize(("text", "options"), QUERIES)
def test_matches_are_those_of_one_index_in_its_order(
    plain_and_four: tuple[Path, Path], text: str, options: dict[str, object]
) -> None:
    plain, four = plain_and_four
    with searcher.open_index(plain) as a, searcher.open_index(four) as b:
        expected = list(a.matches(text, **options))
        found = list(b.matches(text, **options))
    assert expected and found == expected


def test_every_article_once(plain_and_four: tuple[Path, Path]) -> None:
    plain, four = plain_and_four
    with searcher.open_index(plain) as a, searcher.open_index(four) as b:
        expected = {article.id: article for article in a.articles()}
        found = list(b.articles())
    assert len(found) == len(expected) and {a.id: a for a in found} == expected


def test_the_export_command_reads_a_sharded_index(
    plain_and_four: tuple[Path, Path], runner: CliRunner
) -> None:
    plain, four = plain_and_four
    for words in ([], ["prices", "--sort", "newest"]):
        rows = {}
        for index in (plain, four):
            result = runner.invoke(cli, ["export", "--index", str(index), *words])
            assert result.exit_code == 0, result.output
            rows[index] = [json.loads(line) for line in result.stdout.splitlines()]
        if words:
            assert rows[four] == rows[plain]
        else:
            assert sorted(rows[four], key=str) == sorted(rows[plain], key=str)
