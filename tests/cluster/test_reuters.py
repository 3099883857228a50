"""Reuters (its first SGML file, 1,000 stories) in four shards answers as in one:
the ``peers.py`` queries, with Reuters' topics and places counted."""

from __future__ import annotations

from pathlib import Path

import pytest

import searcher
from tests.cluster.equality import assert_same
from tests.conftest import shared_data

#: The queries of ``../shared/tools/peers.py``.
PEER_QUERIES = [
    "oil prices", "interest rates", "bank", "coffee", "trade deficit japan",
    "grain exports soviet union", "merger", "dollar yen", "earnings per share",
    "opec production", "wheat", "strike", "federal reserve", "gold", "takeover bid",
    "crude oil", "budget deficit", "tax", "sugar", "copper", '"money supply"',
    "stock exchange", "debt", "inflation", "cocoa",
]  # fmt: skip


@pytest.fixture(scope="module")
def reuters_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    files = [shared_data("reuters21578", "reut2-000.sgm")]
    folder = tmp_path_factory.mktemp("reuters")
    for shards in (None, 1, 4):
        with searcher.open_index(folder / f"x{shards}", create=True, shards=shards) as ix:
            ix.update(*files)
    return folder / "x1", folder / "x4"


def test_four_shards_of_reuters_answer_as_one(reuters_pair: tuple[Path, Path]) -> None:
    one, four = reuters_pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        assert len(a) == len(b) == 1000
        for query in PEER_QUERIES:
            for options in (
                {"limit": 20, "facets": "topics,places,month", "histogram": "auto"},
                {"sort": "newest", "page": 2},
            ):
                found = b.search(query, **options)
                assert_same(a.search(query, **options), found, (query, options))


def test_similar_on_four_shards_of_reuters_is_that_of_one_unsharded_index(
    reuters_pair: tuple[Path, Path],
) -> None:
    one, four = reuters_pair
    with searcher.open_index(one.parent / "xNone") as a, searcher.open_index(four) as b:
        ids = [article.id for article in a.articles()]
        # Key terms chosen by the holding shard's frequencies differed on 28 of the first 100.
        for article_id in ids[::40]:
            expected = a.similar(article_id)
            found = b.similar(article_id)
            assert found.parsed == expected.parsed, article_id
            assert_same(expected, found, article_id)
