"""Reading: show one article, more like this."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli
from tests.conftest import SEED_ID


def test_similar_finds_the_related_story(built_index: searcher.Index) -> None:
    results = built_index.similar(SEED_ID, limit=3)
    ids = [hit.id for hit in results]
    assert SEED_ID not in ids
    assert ids[0] == "corpus/2011-10-21_iraq-withdrawal.txt"
    assert [hit.rank for hit in results] == list(range(1, len(ids) + 1))


def test_similar_unknown_id(built_index: searcher.Index) -> None:
    with pytest.raises(searcher.ArticleNotFoundError):
        built_index.similar("nope")


def test_cli_show_prints_the_whole_article(runner: CliRunner, built_index: searcher.Index) -> None:
    article = built_index.get(SEED_ID)
    result = runner.invoke(cli, ["show", SEED_ID], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "US-Iraq talks hit snag over immunity for troops"
    assert lines[1] == f"Dan De Luce, AFP | 2011-10-17 | {SEED_ID}"
    assert result.stdout.rstrip("\n").endswith(article.body.splitlines()[-1])
    result = runner.invoke(cli, ["show", SEED_ID, "--json"])
    assert json.loads(result.stdout)["body"] == article.body


def test_cli_show_unknown_id_exits_2(runner: CliRunner, built_index: searcher.Index) -> None:
    result = runner.invoke(cli, ["show", "nope"])
    assert result.exit_code == 2
    assert "No article with id 'nope'" in result.stderr


def test_cli_similar(runner: CliRunner, built_index: searcher.Index) -> None:
    result = runner.invoke(
        cli, ["similar", SEED_ID, "-n", "2", "--format", "jsonl"], catch_exceptions=False
    )
    assert result.exit_code == 0
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits[0]["id"] == "corpus/2011-10-21_iraq-withdrawal.txt"
    assert len(hits) <= 2


def test_similar_ranks_as_whoosh_does(
    built_index: searcher.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    from searcher.query import bulkscore

    fast = built_index.similar(SEED_ID, limit=5)
    monkeypatch.setattr(bulkscore, "supported", lambda searcher: False)
    slow = built_index.similar(SEED_ID, limit=5)
    assert fast.total == slow.total - 1 > 0  # Whoosh's count keeps the masked article
    assert [(h.id, h.snippets) for h in fast.hits] == [(h.id, h.snippets) for h in slow.hits]
    assert [h.score for h in fast.hits] == pytest.approx([h.score for h in slow.hits])
