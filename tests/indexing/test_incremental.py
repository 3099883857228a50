"""Incremental runs: whatever the corpus went through, one run leaves the index
holding what a run from scratch over the same corpus holds."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

import searcher

#: Stories a file may hold; the same story in two files is a duplicate.
STORIES = (
    ("Harbour news", "The harbour story about zebras."),
    ("Market news", "The market story about yaks."),
    ("Rates news", "The rates story about okapis."),
)
#: Each root is a folder named ``news``, so the same file name in both gives
#: the same article id: an id clash, the first root's copy kept.
ROOTS = ("one", "two")
_MTIMES = itertools.count(1_600_000_000 * 10**9, 10**9)

#: A file's content: a story number (.txt), or (record id, story number) per record (.jsonl).
Content = int | tuple[tuple[str, int], ...]


def _write(path: Path, content: Content) -> None:
    if isinstance(content, int):
        title, body = STORIES[content]
        path.write_text(f"{title}\n\n{body}\n")
    else:
        records = [{"id": rid, "title": STORIES[n][0], "body": STORIES[n][1]} for rid, n in content]
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    # A new mtime each time: a same-size edit within one clock tick would look unchanged.
    mtime = next(_MTIMES)
    os.utime(path, ns=(mtime, mtime))


def _held(index_dir: Path) -> set[tuple[str, str, str]]:
    """(id, title, body) of every live article in the index."""
    with whoosh_index.open_dir(str(index_dir)).searcher() as s:
        return {(d["id"], d["title"], d["body"]) for d in s.documents()}


def _roots(tmp_path: Path) -> list[Path]:
    return [tmp_path / root / "news" for root in ROOTS]


def _cold(tmp_path: Path) -> set[tuple[str, str, str]]:
    index_dir = tmp_path / "cold"
    shutil.rmtree(index_dir, ignore_errors=True)
    with searcher.open_index(index_dir, create=True) as ix:
        ix.update(*_roots(tmp_path), jobs=1)
    return _held(index_dir)


def _converges(steps: list[dict[tuple[int, str], Content | None]]) -> None:
    # On tmpfs where there is one: on disk, the fsyncs of many small runs took
    # most of the time.
    tmp_path = Path(tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    try:
        _runs(tmp_path, steps)
    finally:
        shutil.rmtree(tmp_path)


def _runs(tmp_path: Path, steps: list[dict[tuple[int, str], Content | None]]) -> None:
    roots = _roots(tmp_path)
    for root in roots:
        root.mkdir(parents=True)
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        for step in steps:
            for (root, name), content in step.items():
                if content is None:
                    (roots[root] / name).unlink(missing_ok=True)
                else:
                    _write(roots[root] / name, content)
            ix.update(*roots, jobs=1)
            assert _held(tmp_path / "ix") == _cold(tmp_path), step
            assert ix.verify(*roots).problems == ()


def test_an_edited_original_lets_its_copy_in_at_once() -> None:
    _converges([{(0, "a.txt"): 0, (0, "b.txt"): 0}, {(0, "a.txt"): 1}])


def test_a_copy_before_its_original_takes_its_place() -> None:
    _converges([{(0, "b.txt"): 0}, {(0, "a.txt"): 0}, {(0, "a.txt"): None}])


def test_an_id_from_the_first_root_takes_its_place() -> None:
    # The second root's a.txt went in first; it held the story c.txt repeats.
    _converges([{(1, "a.txt"): 0, (1, "c.txt"): 0}, {(0, "a.txt"): 1}])


_TEXTS = st.sampled_from([(r, n) for r in range(len(ROOTS)) for n in ("a.txt", "b.txt", "c.txt")])
_JSONL = st.sampled_from([(r, "j.jsonl") for r in range(len(ROOTS))])
_STORY = st.integers(0, len(STORIES) - 1)
_RECORDS = st.lists(st.tuples(st.sampled_from("pq"), _STORY), min_size=1, max_size=3).map(tuple)
#: One step: files written (a story, or records) or deleted (None), then a run.
_STEP = st.lists(
    st.tuples(_TEXTS, st.none() | _STORY) | st.tuples(_JSONL, st.none() | _RECORDS),
    min_size=1,
    max_size=4,
).map(dict)


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(_STEP, min_size=2, max_size=4))
def test_any_history_converges_in_one_run(
    steps: list[dict[tuple[int, str], Content | None]],
) -> None:
    _converges(steps)


def test_a_file_that_cannot_be_read_is_tried_once_a_run(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    _write(news / "b.txt", 0)
    _write(news / "c.txt", 1)
    _write(news / "d.txt", 1)  # left out because of c.txt
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(news, jobs=1)
        _write(news / "a.txt", 1)  # takes c.txt's place: d.txt is read again
        (news / "bad.txt").write_bytes(bytes(range(256)) * 8)  # binary: fails each time
        report = ix.update(news, jobs=1)
    assert [s.path for s in report.skipped] == [str(news / "bad.txt")]
    assert (report.added, report.removed, report.unchanged) == (1, 1, 2)
