"""The text form: hits show the article's id; show takes it, or a unique prefix."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli
from tests.conftest import REPO, SEED_ID


def test_show_takes_a_unique_prefix_and_names_an_ambiguous_one(
    runner: CliRunner, built_index: searcher.Index
) -> None:
    shown = runner.invoke(cli, ["show", "corpus/000_156"])
    assert shown.exit_code == 0
    assert SEED_ID in shown.stdout.splitlines()[1]
    ambiguous = runner.invoke(cli, ["show", "corpus/wire/"])
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr.startswith("Error: The id 'corpus/wire/' is ambiguous: it begins ")
    assert "corpus/wire/1987-02-wire.sgm#1" in ambiguous.stderr
    similar = runner.invoke(cli, ["similar", "corpus/000_156", "--ids"])
    assert similar.exit_code == 0 and SEED_ID not in similar.stdout


def test_extract_shows_the_id_the_index_gives(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(cli, ["extract", "corpus/wire/1987-02-wire.sgm"])
    assert "id:       corpus/wire/1987-02-wire.sgm#1\n" in result.stdout


def test_stats_on_a_damaged_index_says_so_and_exits_1(
    runner: CliRunner, built_index: searcher.Index
) -> None:
    for segment in built_index.path.glob("*.seg"):
        segment.unlink()
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 1
    assert result.stderr.startswith("damaged: The index in ")
    assert result.stdout == ""
