"""The local pool pins each shard to one process, sends each process one
message a round, and runs a round again when a process is killed."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from searcher.cluster.executors import LocalExecutor, run_calls

SHARDS = [f"shard-00{n}" for n in range(4)]


def where(shard: str) -> tuple[str, int]:
    return shard, os.getpid()


def pids(pool: LocalExecutor, shards: list[str]) -> dict[str, int]:
    return dict(pool.run(where, [(shard,) for shard in shards], 30))


@pytest.fixture()
def pool() -> Iterator[LocalExecutor]:
    executor = LocalExecutor(2)
    try:
        yield executor
    finally:
        executor.close()


def test_each_shard_runs_in_its_own_process_whichever_shards_a_round_asks(
    pool: LocalExecutor,
) -> None:
    first = pids(pool, SHARDS)
    assert list(first) == SHARDS  # answers in the calls' order
    assert first["shard-000"] == first["shard-002"] != first["shard-001"] == first["shard-003"]
    assert os.getpid() not in first.values()
    for asked in (SHARDS[1:2], SHARDS[::-1], SHARDS[2:], SHARDS):
        assert pids(pool, asked) == {shard: first[shard] for shard in asked}


def test_a_killed_process_is_started_again_and_the_round_answers_whole(
    pool: LocalExecutor,
) -> None:
    first = pids(pool, SHARDS)
    os.kill(first["shard-001"], signal.SIGKILL)
    time.sleep(0.2)  # the pool may notice before the next round, or during it
    again = pids(pool, SHARDS)
    assert list(again) == SHARDS
    assert again["shard-000"] == first["shard-000"]
    assert again["shard-001"] == again["shard-003"] != first["shard-001"]


def test_run_calls_answers_in_order() -> None:
    assert run_calls(where, [("a",), ("b",)]) == [("a", os.getpid()), ("b", os.getpid())]
