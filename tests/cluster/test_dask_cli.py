"""`dask scheduler` and two `dask worker` processes started from the shell; the
index built and queried through `searcher --cluster tcp://127.0.0.1:PORT`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import searcher
from tests.conftest import CORPUS

pytest.importorskip("distributed", reason="the cluster extra is not installed")

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(BIN / "dask"), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.fixture
def scheduler() -> Iterator[str]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [_start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    try:
        for _ in range(2):
            processes.append(
                _start(
                    "worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--no-nanny",
                )
            )
        _wait_for_workers(address, 2)
        yield address
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_for_workers(address: str, count: int) -> None:
    import distributed

    with distributed.Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(count, timeout=60)


def _searcher(index: Path, address: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "searcher"), "--index", str(index), "--cluster", address, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_index_and_query_through_a_dask_scheduler(scheduler: str, tmp_path: Path) -> None:
    index = tmp_path / "shards"
    built = _searcher(index, scheduler, "index", "--shards", "2", "--jobs", "1", str(CORPUS))
    assert built.returncode == 0, built.stderr
    stats = json.loads(_searcher(index, scheduler, "stats", "--json").stdout)
    assert len(stats["shards"]) == 2
    with searcher.open_index(tmp_path / "plain", create=True) as plain:
        plain.update(CORPUS, jobs=1)
        assert stats["articles"] == len(plain)
    found = _searcher(index, scheduler, "query", "--format", "jsonl", "--no-collapse", "cocoa")
    assert found.returncode == 0, found.stderr
    ids = [json.loads(line)["id"] for line in found.stdout.splitlines() if '"id"' in line]
    with searcher.open_index(index) as local:  # the same shards, on the local pool
        assert ids == [hit.id for hit in local.search("cocoa", collapse=False)]
    assert ids
