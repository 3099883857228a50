"""The local pool pins each shard to one process, sends each process one
message a round, and runs a round again when a process is killed."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from searcher import SearcherError
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


def parent(shard: str) -> int:
    return os.getppid()


def nap(shard: str, seconds: float) -> str:
    time.sleep(seconds)
    return shard


def fail(shard: str) -> None:
    raise ValueError(f"no {shard}")


def test_a_round_past_its_deadline_is_refused_and_the_next_answers(
    pool: LocalExecutor,
) -> None:
    with pytest.raises(SearcherError, match=r"2 of 4 shards did not answer within 0\.5 s"):
        pool.run(nap, [(shard, 30 if shard in SHARDS[1::2] else 0) for shard in SHARDS], 0.5)
    assert pool.run(nap, [(shard, 0) for shard in SHARDS], 30) == SHARDS


def test_an_error_in_a_call_is_raised_and_the_next_round_starts_clean(
    pool: LocalExecutor,
) -> None:
    with pytest.raises(ValueError, match="no shard-000"):
        pool.run(fail, [(shard,) for shard in SHARDS[:2]], 30)
    assert pids(pool, SHARDS) == pids(pool, SHARDS)


def test_processes_start_from_a_fork_server_while_other_threads_run() -> None:
    """Forked while another thread holds a lock, a process can hang for ever."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with_threads = LocalExecutor(2)
        try:
            assert list(pids(with_threads, SHARDS)) == SHARDS
            # The fork server's children, not this process's.
            parents = with_threads.run(parent, [(shard,) for shard in SHARDS], 30)
            assert os.getpid() not in parents
        finally:
            with_threads.close()
    finally:
        stop.set()
        other.join()
