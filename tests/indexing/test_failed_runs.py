"""Runs that fail part way: a full disk (the real one, a 20 MB tmpfs, and a
full manifest) and a worker process that dies or runs out of memory. Each
leaves the index at its last commit, the lock free and one error line."""

from __future__ import annotations

import errno
import gc
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import searcher
from searcher.store import Transaction, generations
from tests.conftest import REPO, write_stories


def test_a_full_disk_leaves_the_index_and_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    write_stories(corpus, 20)
    index_dir = tmp_path / "ix"
    with searcher.open_index(index_dir, create=True) as ix:
        ix.update(corpus, jobs=1)
    write_stories(tmp_path / "extra", 20, salt="b")
    files = sorted(p.name for p in index_dir.iterdir())

    def no_space(path: Path, *, directory: bool = False) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(generations, "fsync_path", no_space)
    with (
        searcher.open_index(index_dir) as ix,
        pytest.raises(searcher.SearcherError, match="No space left"),
    ):
        ix.update(corpus, tmp_path / "extra", jobs=1)
    monkeypatch.undo()
    assert sorted(p.name for p in index_dir.iterdir()) == files, "nothing left behind"
    with searcher.open_index(index_dir) as ix:
        assert len(ix) == 20
        ix.update(corpus, tmp_path / "extra", jobs=1)  # the lock is free
        assert len(ix) == 40


def test_a_full_disk_under_the_manifest_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    write_stories(corpus, 5)

    def full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Transaction, "put_files", full)
    with (
        searcher.open_index(tmp_path / "ix", create=True) as ix,
        pytest.raises(searcher.SearcherError, match=r"\(its manifest: database or disk is full\)"),
    ):
        ix.update(corpus, jobs=1)


# `searcher index` as the CLI runs it; argv[1] says how a worker's task fails.
FAILING_CLI = textwrap.dedent(
    """
    import os, signal, sys
    from searcher.indexing import worker
    from searcher.cli import cli
    how = sys.argv.pop(1)
    build = worker.build_segment
    def failing(task):
        if how == "kill" and task.share == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        if how == "memory" and task.share == 1:
            raise MemoryError
        return build(task)
    worker.build_segment = failing
    cli(prog_name="searcher")
    """
)


def _run_cli(index_dir: Path, corpus: Path, how: str = "") -> subprocess.CompletedProcess[str]:
    """Run `searcher index --jobs 2` in a subprocess, failing it as ``how`` says;
    a run that hangs fails the test after a minute."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = ["--index", str(index_dir), "index", "--jobs", "2", str(corpus)]
    return subprocess.run(
        [sys.executable, "-c", FAILING_CLI, how, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _assert_stopped_cleanly(
    result: subprocess.CompletedProcess[str], index_dir: Path, why: str, articles: int
) -> None:
    """One error line, the lock free, the index at its previous generation."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: Cannot write the index in {index_dir}/ ({why}")
    assert "it is unchanged since its last commit" in lines[0]
    with searcher.open_index(index_dir) as ix:
        assert len(ix) == articles
        again = ix.update(index_dir.parent / "small", jobs=1)  # not "busy"
        assert len(ix) == articles and again.unchanged == 5
        assert ix.verify(index_dir.parent / "small").problems == ()


def _index_of_five(folder: Path) -> Path:
    """An index of the five files in ``folder/small``."""
    write_stories(folder / "small", 5)
    with searcher.open_index(folder / "ix", create=True) as ix:
        ix.update(folder / "small", jobs=1)
    return folder / "ix"


@pytest.mark.parametrize(
    ("how", "why"),
    [
        ("kill", "a worker process was killed by SIGKILL, as when memory runs out"),
        ("memory", "out of memory"),
    ],
)
def test_a_failed_worker_ends_the_run_at_once(tmp_path: Path, how: str, why: str) -> None:
    index_dir = _index_of_five(tmp_path)
    write_stories(tmp_path / "corpus", 40, salt="b")
    result = _run_cli(index_dir, tmp_path / "corpus", how)
    _assert_stopped_cleanly(result, index_dir, why, 5)
    assert "--jobs" in result.stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 20 MB tmpfs, mounted for the test and unmounted after."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs the tests as root)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        _unmount(disk)


def _unmount(disk: Path) -> None:
    """Unmount the test's tmpfs. A file still open on it (an index left open,
    a reader awaiting garbage collection) fails the test, after the mount is
    detached all the same: a mount left behind would break every later run's
    clean-up of the pytest temp folder."""
    if subprocess.run(["umount", str(disk)], capture_output=True).returncode == 0:
        return
    gc.collect()  # readers caught in reference cycles let go of their files
    busy = subprocess.run(["umount", str(disk)], capture_output=True, text=True)
    if busy.returncode != 0:
        subprocess.run(["umount", "-l", str(disk)], check=True)
        pytest.fail(f"files were still open on the test disk: {busy.stderr.strip()}")


@pytest.mark.parametrize("spare_kb", [50, 150, 500, 2000])
def test_a_full_disk_ends_the_run_and_frees_the_lock(
    small_disk: Path, tmp_path: Path, spare_kb: int
) -> None:
    index_dir = _index_of_five(small_disk)
    corpus = tmp_path / "corpus"  # about 3 MB: its index does not fit in 2 MB
    rng = random.Random(spare_kb)
    words = [f"w{rng.randrange(10**7)}" for _ in range(20000)]
    corpus.mkdir()
    for i in range(500):
        text = " ".join(rng.choices(words, k=700))
        (corpus / f"{i:04d}.txt").write_text(f"Story {i}\n\n{text}\n")
    before = sorted(p.name for p in index_dir.iterdir())
    stat = os.statvfs(small_disk)
    with (small_disk / "ballast").open("wb") as ballast:
        ballast.write(bytes(stat.f_bavail * stat.f_frsize - spare_kb * 1024))
    result = _run_cli(index_dir, corpus)
    (small_disk / "ballast").unlink()
    assert sorted(p.name for p in index_dir.iterdir()) == before, "nothing left behind"
    _assert_stopped_cleanly(result, index_dir, "No space left on device", 5)
