"""A sharded index answers as one index of the same articles."""

from __future__ import annotations

from pathlib import Path

import pytest

import searcher
from tests.cluster.equality import assert_same, assert_same_counts, one_and_four
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
    {"facets": True, "histogram": "auto"},
    {"facets": "byline,section,keywords,year", "histogram": "day", "since": "2011-10-01"},
    {"match": "all", "histogram": "week"},
]
#: Without words: the articles the restrictions keep, newest first.
BROWSING: list[dict[str, object]] = [
    {"filters": {"source": "reuters"}, "facets": True},
    {"since": "2011-10-01", "histogram": "auto", "facets": "source,section"},
    {"until": "2000", "sort": "oldest", "histogram": "year"},
]


@pytest.fixture(scope="module")
def corpus_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sharded")
    for shards in (None, 1, 4):
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


@pytest.mark.parametrize("options", BROWSING)
def test_four_shards_list_and_count_as_one(
    corpus_pair: tuple[Path, Path], options: dict[str, object]
) -> None:
    one, four = corpus_pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        found = b.search("", **options)
        assert found.total > 0
        assert_same(a.search("", **options), found, options)
        dates = [hit.date for hit in found.hits]
        assert dates == sorted(dates, reverse=options.get("sort") != "oldest"), options


def test_the_counts_are_those_of_one_unsharded_index(corpus_pair: tuple[Path, Path]) -> None:
    plain = corpus_pair[0].parent / "xNone"
    with searcher.open_index(plain) as a, searcher.open_index(corpus_pair[1]) as b:
        assert not isinstance(a, searcher.ShardedIndex)
        cases = [(q, o) for q in QUERIES for o in OPTIONS] + [("", o) for o in BROWSING]
        for query, options in cases:
            mine = b.search(query, **options)
            assert_same_counts(a.search(query, **options), mine, (query, options))
            assert ("facets" in options) == (mine.facets is not None)
            assert ("histogram" in options) == (mine.histogram is not None)


def test_a_timeline_too_long_is_refused_as_one_index_refuses_it(
    corpus_pair: tuple[Path, Path],
) -> None:
    one, four = corpus_pair
    with searcher.open_index(one.parent / "xNone") as a, searcher.open_index(four) as b:
        with pytest.raises(searcher.QueryError) as plain:
            a.search("cocoa OR prices", histogram="day")
        with pytest.raises(searcher.QueryError) as sharded:
            b.search("cocoa OR prices", histogram="day")
    assert str(sharded.value) == str(plain.value)


@pytest.mark.parametrize("query", ["oil prices", "title:cocoa", "pric* (exports"])
def test_plain_words_answer_as_one(corpus_pair: tuple[Path, Path], query: str) -> None:
    one, four = corpus_pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        for options in ({"syntax": False}, {"syntax": False, "match": "all"}):
            assert_same(a.search(query, **options), b.search(query, **options), (query, options))


@pytest.mark.parametrize(
    "query",
    [
        "cocoa harvest prices rains",
        "iraq troops withdrawal immunity",
        "fuel prices oil exports",
        "prices NOT cocoa",
    ],
)
def test_feedback_words_are_chosen_from_all_shards(
    corpus_pair: tuple[Path, Path], query: str
) -> None:
    one, four = corpus_pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        for options in ({}, {"syntax": False, "limit": 3}, {"sort": "newest"}):
            assert_same(a.search(query, **options), b.search(query, **options), (query, options))


def test_ids_and_their_beginnings_name_one_article_of_all_shards(
    corpus_pair: tuple[Path, Path],
) -> None:
    with searcher.open_index(corpus_pair[1]) as ix:
        assert ix.get("corpus/world/cocoa").id == "corpus/world/cocoa-harvest.txt"
        assert ix.get("corpus/000").id == "corpus/000_15647181341936f1.txt"
        with pytest.raises(searcher.AmbiguousIdError):
            ix.get("corpus/w")  # articles of several shards begin so
        with pytest.raises(searcher.ArticleNotFoundError):
            ix.get("nowhere")


@pytest.mark.parametrize(
    "article", ["corpus/world/cocoa-harvest.txt", "corpus/2011-10-21_iraq-withdrawal.txt"]
)
def test_similar_answers_as_one_unsharded_index(
    corpus_pair: tuple[Path, Path], article: str
) -> None:
    one, four = corpus_pair
    with searcher.open_index(one.parent / "xNone") as plain, searcher.open_index(four) as b:
        for limit in (20, 3):
            expected = plain.similar(article, limit=limit)
            found = b.similar(article, limit=limit)
            # The key terms are chosen with every shard's frequencies, as one index chooses them.
            assert found.parsed == expected.parsed
            assert_same(expected, found, (article, limit))
    assert found.hits and article not in {hit.id for hit in found.hits}
    assert [hit.rank for hit in found.hits] == list(range(1, len(found.hits) + 1))


@pytest.mark.parametrize("query", ["cocao harvest", "prics", "iraq withdrawl", "oil"])
def test_did_you_mean_is_said_as_one_index_says_it(
    corpus_pair: tuple[Path, Path], query: str
) -> None:
    one, four = corpus_pair
    with (
        searcher.open_index(one.parent / "xNone") as plain,
        searcher.open_index(one) as a,
        searcher.open_index(four) as b,
    ):
        found = b.search(query)
        assert found.suggestion == plain.search(query).suggestion
        assert_same(a.search(query), found, query)
    if query == "cocao harvest":
        assert found.suggestion == "cocoa harvest"


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("cocoa", {"filters": {"source": "reuter"}}),  # the words are in other shards than 0's
        ("cocoa", {"filters": {"byline": "smith"}}),
        ("", {"filters": {"section": "nosuch"}, "since": "2011-10-01"}),
        ("cocoa date:2020", {}),
        ("prices", {"filters": {"source": "reuters", "byline": "richter"}}),  # together only
        ("prices", {"filters": {"source": "ap", "byline": "alvarez"}}),
        ("nosuchword", {"filters": {"source": "afp"}}),
    ],
)
def test_the_filter_that_emptied_a_result_is_said_as_one_index_says_it(
    corpus_pair: tuple[Path, Path], query: str, options: dict[str, object]
) -> None:
    plain = corpus_pair[0].parent / "xNone"
    with searcher.open_index(plain) as a, searcher.open_index(corpus_pair[1]) as b:
        expected = a.search(query, **options)
        found = b.search(query, **options)
    assert found.total == expected.total == 0
    assert found.notes == expected.notes, (query, options)
    if query != "nosuchword":
        assert found.notes, (query, options)


def test_count_and_delete_as_one_index(tmp_path: Path) -> None:
    one, four_shards = one_and_four(tmp_path, CORPUS)
    with searcher.open_index(one) as plain, searcher.open_index(four_shards) as four:
        for ix in (plain, four):
            assert ix.count("cocoa OR prices", since="2011-10") == 2
            ix.delete("corpus/world/cocoa-harvest.txt")
            with pytest.raises(searcher.ArticleNotFoundError):
                ix.get("corpus/world/cocoa-harvest.txt")
            with pytest.raises(searcher.ArticleNotFoundError):
                ix.delete("corpus/world/cocoa-harvest.txt")
        assert len(four) == len(plain)
        for text in ("cocoa", "prices"):
            assert four.count(text) == plain.count(text)
            assert_same(plain.search(text), four.search(text), text)
