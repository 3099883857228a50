"""A sharded index built and searched on a Dask LocalCluster of two worker processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import searcher
from searcher.cluster import worker
from tests.cluster.equality import assert_same
from tests.conftest import CORPUS

QUERIES = ["oil prices", "cocoa OR harvest", '"crude oil"', "exprots~", "prices NOT cocoa"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, dask_client: Any) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("dask")
    with searcher.open_index(folder / "x1", create=True, shards=1) as ix:
        ix.update(CORPUS, jobs=1)
        articles = len(ix)
    with searcher.open_index(folder / "x4", create=True, shards=4, cluster=dask_client) as ix:
        report = ix.update(CORPUS, jobs=1)
    assert report.added == articles
    return folder / "x1", folder / "x4"


def test_shards_built_as_dask_tasks_hold_every_article(built: tuple[Path, Path]) -> None:
    with searcher.open_index(built[0]) as one, searcher.open_index(built[1]) as ix:
        stats = ix.stats()
        assert stats.articles == len(one) > 0
    assert [name for name, _ in stats.shards] == [f"shard-00{n}" for n in range(4)]


def test_queries_on_the_cluster_answer_as_one_index(
    built: tuple[Path, Path], dask_client: Any
) -> None:
    one, four = built
    with searcher.open_index(one) as a, searcher.open_index(four, cluster=dask_client) as b:
        for query in QUERIES:
            for options in ({"sort": "oldest"},):
                assert_same(a.search(query, **options), b.search(query, **options), query)
        assert b.get(a.search("cocoa").hits[0].id).title


def test_the_workers_keep_their_shards_open(built: tuple[Path, Path], dask_client: Any) -> None:
    with searcher.open_index(built[1], cluster=dask_client) as ix:
        ix.search("oil")
        opened = dask_client.run(worker.open_shards)
    held = sorted(path for paths in opened.values() for path in paths if str(built[1]) in path)
    assert len(held) >= 4  # every shard is open on a worker
