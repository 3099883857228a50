"""A big web archive is cut among the workers by record offsets, and read once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

import searcher
from searcher import store
from searcher.indexing import scheduling
from searcher.ingest import read_file_counted, scan
from searcher.store import FileEntry
from tests.conftest import REPO
from tests.indexing.test_faults import _articles_in
from tests.ingest.archives import Rec, html, page, write_warc, write_whole_gzip_warc


def captures(count: int, salt: str = "") -> list[Rec]:
    """``count`` pages, each after a request; page 3 captured again at the end (later)."""
    recs: list[Rec] = []
    for n in range(count):
        url = f"https://news.example/{salt}{n}"
        recs.append(Rec("request", url))
        body = f"Story {salt}{n} tells of harbour{n} and more. " * 20
        recs.append(html(url, page(f"Story {salt}{n}", body), date="2019-11-20T12:00:00Z"))
    again = page(f"Story {salt}3 updated", "The update of story three. " * 20)
    recs.append(html(f"https://news.example/{salt}3", again, date="2019-11-21T12:00:00Z"))
    return recs


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus folder ``c`` holding ``big.warc.gz`` (30 pages), with every
    web archive big enough to be cut among the workers."""
    monkeypatch.setattr(scheduling, "SPLIT_BYTES", 1)
    folder = tmp_path / "c"
    folder.mkdir()
    write_warc(folder / "big.warc.gz", captures(30))
    return folder


def test_a_big_archive_is_cut_in_one_span_a_worker(tmp_path: Path, folder: Path) -> None:
    write_whole_gzip_warc(folder / "whole.warc.gz", captures(4))
    (folder / "note.txt").write_text("A note\n\nIts text.")
    todo = [
        (f, FileEntry(str(f.path), f.path.stat().st_size, 0, "", 0)) for f in scan([folder]).files
    ]
    [first, second] = scheduling.make_tasks(todo, tmp_path / "ix", jobs=2)
    spans = dict(zip(first.files, first.spans, strict=True))
    assert len(first.files) == 4  # the big one in two spans; one gzip'd whole is read whole
    assert spans[(str(folder / "whole.warc.gz"), "c/whole.warc.gz")] is None
    size = (folder / "big.warc.gz").stat().st_size
    big = sorted(s for f, s in zip(first.files, first.spans, strict=True) if s and "big" in f[0])
    assert big[0][0] == 0 and big[0][1] == big[1][0] and big[1][1] > size
    assert second.spans == first.spans


def test_the_spans_of_an_archive_read_it_all_once(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    write_warc(path, captures(30))
    whole = read_file_counted(path)
    size = path.stat().st_size
    shares = [
        read_file_counted(path, span=(size * k // 3, size * (k + 1) // 3 + (k == 2)))
        for k in range(3)
    ]
    assert [a.id for s in shares for a in s.articles] == [a.id for a in whole.articles]
    assert sum((Counter(dict(s.passed_over)) for s in shares), Counter()) == Counter(
        dict(whole.passed_over)
    )
    assert len(whole.articles) == 30  # page 3's first capture is passed over
    assert "Story 3 updated" in [a.title for a in whole.articles]


def test_an_archive_read_by_two_workers_is_indexed_as_by_one(tmp_path: Path, folder: Path) -> None:
    reports = {}
    for jobs in (1, 2):
        with searcher.open_index(tmp_path / f"ix{jobs}", create=True) as ix:
            report = ix.update(folder, jobs=jobs)
            reports[jobs] = (report.added, report.passed_over, sorted(all_ids(ix)))
            assert ix.verify(folder).problems == ()
            assert ix.update(folder, jobs=jobs).unchanged == 1
    assert reports[1] == reports[2]
    assert reports[2][0] == 30
    assert dict(reports[2][1]) == {
        "request record": 30,
        "earlier capture of a URL captured again later": 1,
    }


# Indexes argv[2] into argv[1] with two workers, a web archive a round, each
# cut in two, committing slowly enough to be killed between rounds.
INDEXER = textwrap.dedent(
    """
    import sys, time
    import searcher
    from searcher.indexing import committing, scheduling
    scheduling.SPLIT_BYTES = 1
    scheduling.TASK_BYTES = 1
    apply = committing.Run.apply
    def paced(self, results):
        time.sleep(0.3)
        return apply(self, results)
    committing.Run.apply = paced
    with searcher.open_index(sys.argv[1], create=True) as ix:
        ix.update(sys.argv[2], jobs=2)
    """
)


def test_a_run_killed_mid_archive_leaves_every_page_once(tmp_path: Path) -> None:
    folder = tmp_path / "killed"
    folder.mkdir()
    for number in range(4):
        write_warc(folder / f"crawl-{number}.warc.gz", captures(12, salt=f"f{number}-"))
    index_dir = tmp_path / "ix"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-c", INDEXER, str(index_dir), str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and _articles_in(index_dir) < 12 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the run must still be going when killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < _articles_in(index_dir) < 48
    with searcher.open_index(index_dir) as ix:
        ix.update(folder, jobs=2)
        ids = all_ids(ix)
        assert len(ids) == len(set(ids)) == 48
        assert ix.verify(folder).problems == ()
    assert not (index_dir / store.TEMP_FOLDER).exists()


def all_ids(ix: searcher.Index) -> list[str]:
    """The ids of every article (each page's title starts "Story")."""
    return [h.id for h in ix.search("story", limit=1000, collapse=False)]
