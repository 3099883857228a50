"""Totals: counted when cheap or asked for, else estimated from posting counts, and said so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli
from searcher.query import totals


@pytest.fixture
def costly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query's postings count as too many to count cheaply."""
    monkeypatch.setattr(totals, "EXACT_TOTAL_POSTINGS", 0)


def test_a_small_query_is_counted(built_index: searcher.Index) -> None:
    results = built_index.search("troops", limit=1)
    assert results.total_exact
    assert results.total == built_index.search("troops", limit=1, exact_total=True).total
    assert results.total > 1


@pytest.mark.parametrize("text", ["troops iraq", "said NOT troops", "said AND us"])
def test_a_costly_total_is_estimated_unless_asked(
    built_index: searcher.Index, costly: None, text: str
) -> None:
    counted = built_index.search(text, limit=1, collapse=False, exact_total=True)
    estimated = built_index.search(text, limit=1, collapse=False)
    assert counted.total_exact and counted.total > 1
    assert not estimated.total_exact
    assert 1 <= estimated.total <= built_index.stats().articles
    assert [(h.id, h.score) for h in estimated] == [(h.id, h.score) for h in counted]
    assert built_index.count(text) == counted.total  # count() always counts


@pytest.mark.parametrize("asked", [{"facets": True}, {"histogram": "month"}, {"sort": "newest"}])
def test_facets_histogram_and_date_order_count_every_match(
    built_index: searcher.Index, costly: None, asked: dict[str, object]
) -> None:
    counted = built_index.search("troops iraq", limit=1, collapse=False, exact_total=True)
    results = built_index.search("troops iraq", limit=1, collapse=False, **asked)  # type: ignore[arg-type]
    assert results.total_exact and results.total == counted.total


def test_fewer_hits_than_asked_are_every_match(built_index: searcher.Index, costly: None) -> None:
    results = built_index.search("troops", limit=1000, collapse=False)
    assert results.total_exact and results.total == len(results.hits) > 1


def test_collapsing_searches_deeper_without_a_count(
    tmp_path: Path, index_env: Path, costly: None
) -> None:
    for copy in ("a", "b"):  # every story twice: 25 pairs of near-duplicates
        (tmp_path / copy).mkdir()
        for i in range(25):
            words = " ".join(f"s{i}w{k}" for k in range(120))
            text = f"Story number {i} {copy}\n\n{'story ' * (25 - i)}{words}.\n"
            (tmp_path / copy / f"{i:02d}.txt").write_text(text)
    with searcher.open_index(index_env, create=True) as ix:
        ix.update(tmp_path / "a", tmp_path / "b")
        # 22 leaders need more than the first 22 + 20 hits: a deeper search.
        folded = ix.search("story number", limit=22)
        counted = ix.search("story number", limit=22, exact_total=True)
    assert not folded.total_exact and counted.total == 50
    assert len(folded) == 22 and all(h.similar_count == 1 for h in folded)
    assert [(h.id, h.similar_ids) for h in folded] == [(h.id, h.similar_ids) for h in counted]


def test_the_cli_says_an_estimate_is_one(
    runner: CliRunner, built_index: searcher.Index, costly: None
) -> None:
    exact = built_index.search("troops iraq", exact_total=True).total
    args = ["query", "troops iraq", "-n", "1", "--no-collapse"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0
    assert "about " in result.stderr
    assert "(an estimate; --exact-total counts them)" in result.stderr
    data = json.loads(runner.invoke(cli, [*args, "--json"]).stdout)
    assert data["total_exact"] is False and data["total"] >= 1
    counted = json.loads(runner.invoke(cli, [*args, "--json", "--exact-total"]).stdout)
    assert counted["total_exact"] is True and counted["total"] == exact
    assert f"1 of {exact} matching articles." in runner.invoke(cli, [*args, "--exact-total"]).stderr
    assert runner.invoke(cli, [*args, "--count"]).stdout.strip() == str(exact)
