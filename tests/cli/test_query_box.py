"""The query command's search box: --plain, --all, empty text with filters, notes."""

from __future__ import annotations

from click.testing import CliRunner

import searcher
from searcher.cli import cli
from tests.conftest import SEED_ID

# A word the stem cache lacks loads the stemmer once per process (seconds on a
# loaded machine): load it now, not inside a query's time budget.
searcher.analyze_text("systems")


def test_prose_and_notes_on_stderr(runner: CliRunner, built_index: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "(legal immunity?"], catch_exceptions=False)
    assert result.exit_code == 0 and SEED_ID in result.stdout
    assert "note: The '(' at character 1 is never closed" in result.stderr


def test_plain_and_all(runner: CliRunner, built_index: searcher.Index) -> None:
    plain = runner.invoke(cli, ["query", "--plain", "--explain", "title:immunity"])
    assert plain.exit_code == 0
    assert "Parsed query: (title:titl OR body:titl OR title:immun OR body:immun)" in plain.stderr
    every = runner.invoke(cli, ["query", "--all", "--explain", "legal troops"])
    assert every.exit_code == 0 and SEED_ID in every.stdout
    assert "((title:legal OR body:legal) AND (title:troop OR body:troop))" in every.stderr


def test_filters_without_words(runner: CliRunner, built_index: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "--since", "2011-10-01"], catch_exceptions=False)
    assert result.exit_code == 0 and "matching articles" in result.stderr
    empty = runner.invoke(cli, ["query", "oil", "--source", "reuter"])
    assert "none has source 'reuter' (did you mean 'Reuters'?)" in empty.stderr
    nothing = runner.invoke(cli, ["query", "--", "-immunity"])
    assert nothing.exit_code != 0 and "only excludes words" in nothing.stderr
