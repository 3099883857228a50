"""A sharded index answers as one index of the same articles."""

from __future__ import annotations

from pathlib import Path

import pytest

import searcher
from tests.cluster.equality import assert_same
from tests.conftest import CORPUS

QUERIES = [
    "oil prices",
    "cocoa",
    '"crude oil"',
    "title:cocoa",
    "prices NOT cocoa",
    "cocoa OR harvest",
    "exprots~",
    "pric*",
    "date:2011-10",
    "source:reuters",
]
OPTIONS: list[dict[str, object]] = [
    {},
    {"collapse": False},
    {"sort": "newest"},
    {"sort": "oldest"},
    {"limit": 2, "page": 2},
    {"since": "2011-10-01"},
]


@pytest.fixture(scope="module")
def corpus_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sharded")
    for shards in (1, 4):
        with searcher.open_index(folder / f"x{shards}", create=True, shards=shards) as ix:
            ix.update(CORPUS, jobs=1)
    return folder / "x1", folder / "x4"


def test_the_shards_hold_every_article_once(corpus_pair: tuple[Path, Path]) -> None:
    one, four = corpus_pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        assert len(a) == len(b) > 0
        stats = b.stats()
        assert stats.articles == len(a) and len(stats.shards) == 4
        assert sum(count for _, count in stats.shards) == len(a)
        assert b.verify(CORPUS).ok


@pytest.mark.parametrize("query", QUERIES)
def test_four_shards_answer_as_one(corpus_pair: tuple[Path, Path], query: str) -> None:
    one, four = corpus_pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        for options in OPTIONS:
            assert_same(a.search(query, **options), b.search(query, **options), (query, options))
