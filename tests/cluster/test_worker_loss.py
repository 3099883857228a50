"""A Dask worker killed (SIGKILL, by its pid) as a query goes out: the scheduler
runs its tasks on the other worker and the query returns the full answer."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

import searcher
from tests.cluster.equality import assert_same
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("loss")
    for shards in (1, 4):
        with searcher.open_index(folder / f"x{shards}", create=True, shards=shards) as ix:
            ix.update(CORPUS, jobs=1)
    return folder / "x1", folder / "x4"


def test_a_query_survives_a_killed_worker(pair: tuple[Path, Path], dask_client: Any) -> None:
    one, four = pair
    with searcher.open_index(one) as a, searcher.open_index(four, cluster=dask_client) as b:
        expected = a.search("oil prices")
        assert_same(expected, b.search("oil prices"), "before")
        pids = dask_client.run(os.getpid)
        victim = sorted(pids.values())[0]
        answers: list[searcher.SearchResults] = []
        query = threading.Thread(target=lambda: answers.append(b.search("oil prices")))
        query.start()
        os.kill(victim, signal.SIGKILL)
        query.join(timeout=120)
        assert not query.is_alive(), "the query hung"
        assert_same(expected, answers[0], "after the kill")
    dask_client.wait_for_workers(2, timeout=60)  # the nanny starts another
