"""A sharded query's statistics are kept per query while no shard changes;
only the final page's hits are fetched, from their shards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import searcher
from searcher.cluster import ShardedIndex, worker
from searcher.cluster.searching import shard_share
from searcher.models import Article
from searcher.query import totals
from tests.cluster.equality import assert_same, assert_same_counts, one_and_four
from tests.conftest import CORPUS, news_articles


@pytest.fixture()
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return one_and_four(tmp_path, CORPUS)


def recording(ix: Any) -> list[tuple[Callable[..., Any], int]]:
    """Each phase the sharded index ``ix`` runs from now on: the function and its calls."""
    phases: list[tuple[Callable[..., Any], int]] = []
    run = ix.executor.run

    def recorded(fn: Callable[..., Any], calls: Sequence[Any], deadline: float | None) -> Any:
        phases.append((fn, len(calls)))
        return run(fn, calls, deadline)

    ix.executor.run = recorded
    return phases


def test_statistics_are_counted_once_per_query_while_no_shard_changes(
    pair: tuple[Path, Path],
) -> None:
    one, four = pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        first = b.search("oil prices")
        phases = recording(b)
        again = b.search("oil prices")
        assert [fn for fn, _ in phases] == [
            worker.search,
            worker.fetch,
        ]  # no statistics, no spelling
        assert again == first
        assert_same(a.search("oil prices"), again, "again")
        # A commit to one shard: its statistics are counted again, and the
        # answer is still one index's.
        story = Article(
            id="late-oil", path="late.txt", title="Oil prices climb",
            body="Oil prices rose again as crude oil stocks fell. " * 3,
        )  # fmt: skip
        a.add([story])
        b.add([story])
        phases.clear()
        after = b.search("oil prices")
        assert worker.statistics in [fn for fn, _ in phases]
        assert "late-oil" in {hit.id for hit in after.hits}
        assert_same(a.search("oil prices"), after, "after a commit")


def test_only_the_final_page_is_fetched(pair: tuple[Path, Path]) -> None:
    one, four = pair
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        phases = recording(b)
        found = b.search("said", limit=3, page=2)
        fetched = [calls for fn, calls in phases if fn is worker.fetch]
        assert len(fetched) == 1 and fetched[0] <= 3, phases  # shards holding the page's hits only
        assert len(found.hits) == 3 and [hit.rank for hit in found.hits] == [4, 5, 6]
        assert all(hit.snippets for hit in found.hits)
        assert_same(a.search("said", limit=3, page=2), found, "page 2")


def exact_total_postings(shard: str, postings: int) -> None:
    totals.EXACT_TOTAL_POSTINGS = postings


def test_totals_estimated_by_one_index_are_estimated_alike_over_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Posting lists this short stand in for an archive's common words.
    monkeypatch.setattr(totals, "EXACT_TOTAL_POSTINGS", 50)
    for name, shards in (("one", None), ("four", 4)):
        with searcher.open_index(tmp_path / name, create=True, shards=shards) as ix:
            ix.add(news_articles(300))
    with searcher.open_index(tmp_path / "one") as a, searcher.open_index(tmp_path / "four") as b:
        # The pool's processes too (they may start from a fork server).
        shards = [(str(path),) for path in b.layout.shard_dirs()]
        b.executor.run(exact_total_postings, [(*shard, 50) for shard in shards], 30)
        kinds = set()
        for text in ("oil prices", "bank", "cocoa talks", "dollar AND yen", "Bahia", "zzzz"):
            for limit in (1, 10, 100):
                one, other = a.search(text, limit=limit), b.search(text, limit=limit)
                assert (other.total, other.total_exact) == (one.total, one.total_exact), text
                assert_same_counts(one, other, text)
                kinds.add(one.total_exact)
        assert kinds == {True, False}, "some totals counted, some estimated"


def test_each_shard_is_asked_for_a_share_and_again_when_it_may_hold_more(
    tmp_path: Path,
) -> None:
    # The 40 best articles for "zebra" all in one shard: a share of the page
    # from each shard is not enough, and that shard is asked again.
    with searcher.open_index(tmp_path / "four", create=True, shards=4) as four:
        assert isinstance(four, ShardedIndex)
        route = four.layout.route
        strong = [f"strong-{n}" for n in range(400) if route(f"strong-{n}") == 0][:40]
        weak = [f"weak-{n}" for n in range(80)]
        articles = [
            Article(
                id=article_id,
                path=f"{article_id}.txt",
                title=f"Story {article_id}",
                body=f"zebra {'zebra ' * (4 if article_id in strong else 0)}word{i} "
                + " ".join(f"w{i}x{k}" for k in range(30)),
            )
            for i, article_id in enumerate(strong + weak)
        ]
        four.add(articles)
    with searcher.open_index(tmp_path / "one", create=True) as one:
        one.add(articles)
    with searcher.open_index(tmp_path / "one") as a, searcher.open_index(tmp_path / "four") as b:
        for limit, page in ((10, 1), (10, 2), (25, 1), (3, 5)):
            phases = recording(b)
            found = b.search("zebra", limit=limit, page=page)
            assert_same(a.search("zebra", limit=limit, page=page), found, (limit, page))
            assert [fn for fn, _ in phases].count(worker.search) == 2, "asked again"
            assert all(hit.id in strong for hit in found.hits)
        # Spread evenly: one round is enough.
        phases = recording(b)
        assert_same(a.search("word47", limit=3), b.search("word47", limit=3), "word47")
        assert [fn for fn, _ in phases].count(worker.search) == 1


def test_a_shard_share_is_a_share_with_a_margin() -> None:
    assert shard_share(30, 1) == 30
    assert shard_share(30, 4) == 14
    assert shard_share(10, 4) == 6
    assert shard_share(3, 4) == 3
    assert shard_share(30, 2) == 22
