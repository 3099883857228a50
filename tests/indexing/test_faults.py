"""Fault injection: killed runs, a busy lock, damaged files, queries meanwhile,
and a user's own files in the index folder (full disks and failed workers:
test_failed_runs.py)."""

from __future__ import annotations

import gc
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import searcher
from searcher import store
from searcher.store import Manifest, folder
from tests.conftest import REPO, write_stories

ARTICLES = 240

# Indexes CORPUS into INDEX in tiny rounds, so a run makes many commits, each
# at least 50 ms after the last: however starved the test is of CPU, the run
# is still going when the test signals it.
INDEXER = textwrap.dedent(
    """
    import signal, sys, time
    # Ctrl-C as on a terminal, even where this runs as a background job, whose
    # shell started it (and so this process) with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import searcher
    from searcher.indexing import committing, scheduling
    scheduling.TASK_BYTES = 2000
    apply = committing.Run.apply
    def paced(self, results):
        time.sleep(0.05)
        return apply(self, results)
    committing.Run.apply = paced
    with searcher.open_index(sys.argv[1], create=True) as ix:
        ix.update(sys.argv[2], jobs=2)
    """
)


def _write_corpus(folder: Path, count: int = ARTICLES, salt: str = "") -> None:
    write_stories(folder, count, salt)


def _indexer(index_dir: Path, corpus: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", INDEXER, str(index_dir), str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _assert_complete(index_dir: Path, corpus: Path, count: int = ARTICLES) -> None:
    with searcher.open_index(index_dir) as ix:
        report = ix.update(corpus, jobs=2)
        assert len(ix) == count, report
        assert ix.verify(corpus).problems == ()
        assert [h.id for h in ix.search("unique17")] == ["corpus/0017.txt"]
    assert not (index_dir / store.TEMP_FOLDER).exists(), "the workers' temporary folder"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_a_killed_run_is_completed_by_the_next(tmp_path: Path, sig: signal.Signals) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus)
    rng = random.Random(sig)
    for attempt in range(2):
        index_dir = tmp_path / f"ix{attempt}"
        process = _indexer(index_dir, corpus)
        # Killed after a random number of commits, within the first half of the
        # rounds: a moment picked by the clock could fall after the last round.
        target = rng.randint(1, ARTICLES // 2)
        while process.poll() is None and _articles_in(index_dir) < target:
            time.sleep(0.01)
        assert process.poll() is None, "the run must still be going when killed"
        process.send_signal(sig)
        process.wait(timeout=30)
        assert 0 < _articles_in(index_dir) < ARTICLES
        _assert_complete(index_dir, corpus)


def _articles_in(index_dir: Path) -> int:
    try:
        return sum(s.doc_count() for s in store.read_toc(index_dir).segments)
    except Exception:  # not created yet
        return 0


def test_a_run_killed_between_index_and_manifest_commits_doubles_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 30)
    index_dir = tmp_path / "ix"
    with searcher.open_index(index_dir, create=True) as ix:
        ix.update(corpus, jobs=1)
    Manifest(index_dir).clear()  # as if every manifest commit had been lost
    _assert_complete(index_dir, corpus, 30)


def test_a_second_writer_is_told_the_index_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder, "LOCK_TIMEOUT", 0.5)
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 5)
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time\nfrom whoosh.index import open_dir\n"
                "lock = open_dir(sys.argv[1]).lock('WRITELOCK')\n"
                "assert lock.acquire()\nprint('held', flush=True)\ntime.sleep(30)",
                str(ix.path),
            ],
            stdout=subprocess.PIPE,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
            started = time.monotonic()
            with pytest.raises(searcher.IndexBusyError, match="being written by another"):
                ix.update(corpus, jobs=1)
            assert time.monotonic() - started >= folder.LOCK_TIMEOUT * 0.9, "it waited"
        finally:
            holder.kill()
            holder.wait()
            holder.stdout.close()  # type: ignore[union-attr]
        ix.update(corpus, jobs=1)  # the lock died with its holder
        assert len(ix) == 5


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_damaged_segment_is_reported_with_the_fix(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 10)
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(corpus, jobs=1)
        assert ix.verify(corpus).ok
    for seg in (tmp_path / "ix").glob("*.seg"):
        data = bytearray(seg.read_bytes())
        data[len(data) // 3 : len(data) // 3 + 4000] = b"\xff" * 4000
        seg.write_bytes(bytes(data))
    report = searcher.verify_index(tmp_path / "ix", corpus)
    assert not report.ok
    assert "damaged" in report.problems[0]
    assert report.advice == "searcher index --rebuild CORPUS"


def test_verify_finds_a_changed_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 10)
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(corpus, jobs=1)
        (corpus / "0003.txt").unlink()
        report = ix.verify(corpus)
    assert report.problems == ("the corpus has 0 new or changed files and 1 removed ones",)
    assert report.advice == "searcher index CORPUS"


def test_queries_keep_working_while_indexing_runs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus)
    index_dir = tmp_path / "ix"
    with searcher.open_index(index_dir, create=True):
        pass
    process = _indexer(index_dir, corpus)
    counts = []
    try:
        while process.poll() is None:
            with searcher.open_index(index_dir) as ix:
                counts.append(len(ix))
                ix.search("story unique5")
    finally:
        process.wait(timeout=60)
    assert process.returncode == 0
    assert counts == sorted(counts), "the index only grows"
    assert len(set(counts)) > 2, "queries ran between commits"
    with searcher.open_index(index_dir) as ix:
        assert len(ix) == ARTICLES


# Whoosh leaves the damaged TOC file open when it fails to read it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_rebuild_repairs_a_damaged_index(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from searcher.cli import cli

    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 10)
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(corpus, jobs=1)
    for toc in (tmp_path / "ix").glob("*.toc"):
        toc.write_bytes(b"\x00garbage")
    index = ["--index", str(tmp_path / "ix")]
    refused = CliRunner().invoke(cli, [*index, "index", str(corpus)])
    assert refused.exit_code == 2
    assert "--rebuild" in refused.stderr
    rebuilt = CliRunner().invoke(cli, [*index, "index", "--rebuild", str(corpus)])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert searcher.verify_index(tmp_path / "ix", corpus).ok
    with searcher.open_index(tmp_path / "ix") as ix:
        assert len(ix) == 10
    del refused, rebuilt
    gc.collect()  # the damaged TOC Whoosh left open is closed while the filter holds


# A user's own files that an index folder may hold beside the index (the
# probe: `searcher --index . index src/news` in a project folder).
USER_FILES = ("work.tmp/notes.md", "MAIN_notes.txt", "_MAIN_notes.txt", "MAIN_x.seg", "a.toc")


def _user_files(folder: Path) -> dict[str, str]:
    for name in USER_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"mine: {name}\n")
    return {name: (folder / name).read_text() for name in USER_FILES}


def _still_there(folder: Path, files: dict[str, str]) -> None:
    assert {name: (folder / name).read_text() for name in files} == files


def test_user_files_in_the_index_folder_survive_runs_clean_ups_and_rebuilds(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from searcher.cli import cli

    project = tmp_path / "proj"
    corpus = project / "src" / "corpus"
    _write_corpus(corpus, 30)
    files = _user_files(project)
    index = ["--index", str(project)]
    result = CliRunner().invoke(cli, [*index, "index", "--force", str(corpus)])
    assert result.exit_code == 0, result.output
    _still_there(project, files)
    _write_corpus(corpus)  # more files: a run to kill
    process = _indexer(project, corpus)  # the index exists: no --force needed
    while process.poll() is None and _articles_in(project) <= 30:
        time.sleep(0.02)
    assert process.poll() is None, "the run must still be going when killed"
    process.kill()
    process.wait(timeout=30)
    _still_there(project, files)
    # More leftovers of killed runs, named as Whoosh names them.
    orphan = project / "MAIN_0123456789abcdef.seg"
    orphan.write_bytes(b"half a segment")
    (project / "_MAIN_7.toc.1733459000.25").write_bytes(b"half a TOC")
    (project / "MAIN.tmp").mkdir(exist_ok=True)
    (project / "MAIN.tmp" / f"{'k' * 28}.ctmp").write_bytes(b"columns")
    result = CliRunner().invoke(cli, [*index, "index", str(corpus)])
    assert result.exit_code == 0, result.output
    assert not orphan.exists() and not (project / "MAIN.tmp").exists()
    assert not list(project.glob("_MAIN_7.toc.*"))
    _still_there(project, files)
    result = CliRunner().invoke(cli, [*index, "index", "--rebuild", str(corpus)])
    assert result.exit_code == 0, result.output
    _still_there(project, files)
    searcher.reset_index(project).close()  # the library's reset, as for a damaged index
    _still_there(project, files)
    _assert_complete(project, corpus)
    _still_there(project, files)
