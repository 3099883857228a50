"""Faults: a Dask worker killed (SIGKILL, by its pid) during a shard build, and
a shard that cannot be opened (refused by name, or left out with ``allow_partial``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import searcher
from tests.cluster.test_skewed import write_skewed_corpus
from tests.conftest import CORPUS

BIN = Path(sys.executable).parent


def _ids_by_shard(index: Path, shards: int) -> list[list[str]]:
    ids = []
    for number in range(shards):
        with searcher.open_index(index / f"shard-{number:03d}") as shard:
            ids.append([article.id for article in shard.articles()])
    return ids


def test_a_build_survives_a_killed_worker_and_a_rerun_converges(
    tmp_path: Path, dask_client: Any
) -> None:
    stories = write_skewed_corpus(tmp_path / "corpus")
    index = tmp_path / "x4"
    errors: list[BaseException] = []
    with searcher.open_index(index, create=True, shards=4, cluster=dask_client) as ix:

        def build() -> None:
            try:
                ix.update(tmp_path / "corpus", jobs=1)
            except searcher.SearcherError as exc:  # the task lost too many workers
                errors.append(exc)

        running = threading.Thread(target=build)
        running.start()
        time.sleep(1.0)  # the four shard tasks are reading and writing
        assert running.is_alive(), "the build ended before the kill"
        victim = sorted(dask_client.run(os.getpid).values())[0]
        os.kill(victim, signal.SIGKILL)
        running.join(timeout=300)
        assert not running.is_alive(), "the build hung"
        dask_client.wait_for_workers(2, timeout=60)  # the nanny starts another
        ix.update(tmp_path / "corpus", jobs=1)  # the re-run completes what was lost
        assert len(ix) == stories
        assert ix.verify(tmp_path / "corpus").ok
        by_shard = _ids_by_shard(index, 4)
        for number, ids in enumerate(by_shard):
            assert all(ix.layout.route(article_id) == number for article_id in ids)
        counts = Counter(article_id for ids in by_shard for article_id in ids)
        assert len(counts) == stories and set(counts.values()) == {1}, "a story lost or doubled"


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, searcher.SearchResults]:
    """Four shards of corpus/, shard-002's table of contents overwritten; and
    what the healthy index found for "prices"."""
    index = tmp_path / "x4"
    with searcher.open_index(index, create=True, shards=4) as ix:
        ix.update(CORPUS, jobs=1)
        healthy = ix.search("prices OR oil", limit=100, collapse=False)
    for toc in (index / "shard-002").glob("_MAIN_*.toc"):
        toc.write_bytes(b"not a table of contents")
    return index, healthy


def test_a_shard_that_cannot_be_opened_is_named(
    damaged: tuple[Path, searcher.SearchResults],
) -> None:
    index, _ = damaged
    with searcher.open_index(index) as ix, pytest.raises(searcher.SearcherError) as raised:
        ix.search("prices")
    assert "shard-002" in str(raised.value) and "\n" not in str(raised.value)
    shown = subprocess.run(
        [str(BIN / "searcher"), "--index", str(index), "query", "prices"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 2, shown.stderr
    lines = shown.stderr.strip().splitlines()
    assert len(lines) == 1 and "shard-002" in lines[0] and "--allow-partial" in lines[0], lines
    assert "Traceback" not in shown.stderr


def test_allow_partial_answers_from_the_other_shards_and_says_which_is_missing(
    damaged: tuple[Path, searcher.SearchResults],
) -> None:
    index, healthy = damaged
    with searcher.open_index(index, allow_partial=True) as ix:
        found = ix.search("prices OR oil", limit=100, collapse=False)
        assert ix.missing == ("shard-002",)
        kept = {hit.id for hit in healthy.hits if ix.layout.route(hit.id) != 2}
    assert {hit.id for hit in found.hits} == kept and found.total == len(kept)
    assert any("shard-002" in note for note in found.notes), found.notes
    shown = subprocess.run(
        [str(BIN / "searcher"), "--index", str(index), "--allow-partial", "query", "prices OR oil"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert "shard-002" in shown.stdout + shown.stderr
