"""The index's generations: each table of contents (TOC) naming the segments of
one generation, committed durably and read safely; and the files no generation
needs any more (what killed writers leave), which only the writer holding the
lock deletes, and only when they bear the names Whoosh gives its own files.

Durability: Whoosh never calls ``fsync`` and deletes the previous TOC at once,
so a power cut can leave no readable generation. Here every new segment file is
synced before it is named in a TOC; the TOC is synced before its rename, and
the folder after it; only then is an old TOC deleted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from searcher.store import safepickle
from searcher.store.safepickle import INDEX_NAME, TOC_FILE

LOGGER = logging.getLogger(__name__)

#: Whether commits are synced to disk (tests of logic may turn it off for speed).
DURABLE = True


def fsync_path(path: Path, *, directory: bool = False) -> None:
    """Flush one file's (or folder's) data and metadata to disk."""
    if not DURABLE:
        return
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableStorage(FileStorage):  # type: ignore[misc]
    """A :class:`FileStorage` whose renames are durable: the source is synced
    before the rename and the folder after it (Whoosh renames only its TOC)."""

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        fsync_path(Path(self.folder) / oldname)
        super().rename_file(oldname, newname, safe=safe)
        fsync_path(Path(self.folder), directory=True)


def delete_segment_files(index_dir: Path, segment_ids: Iterable[str]) -> None:
    """Delete every file of the named segments."""
    ids = set(segment_ids)
    for path in index_dir.iterdir():
        match = _SEGMENT_FILE.fullmatch(path.name)
        if match and match[1] in ids:
            path.unlink(missing_ok=True)


# The names of what Whoosh writes, exactly, so that nothing else in the folder
# is ever deleted: a segment's files are its id (``MAIN_`` and 16 characters of
# ``whoosh.util.IDCHARS``: ``Segment._random_id``) and a W3 codec suffix, its
# columns ``.<field>.col`` until they are joined into its ``.seg``; a TOC is
# written as ``_MAIN_<gen>.toc.<time()>``, then renamed.
_SEGMENT_FILE = re.compile(
    rf"({INDEX_NAME}_[0-9a-z]{{16}})\.(?:seg|trm|pst|vps|[A-Za-z0-9_]+\.col)"
)
_TOC_TEMP = re.compile(rf"_{INDEX_NAME}_\d+\.toc\.\d+(?:\.\d+)?")
#: The folder of Whoosh's per-document writers' temporary files (``W3PerDocWriter``
#: asks for ``temp_storage("MAIN.tmp")``), each ``<28 of IDCHARS>.ctmp``
#: (``CompoundWriter``). Every writer leaves the folder behind, emptied.
TEMP_FOLDER = f"{INDEX_NAME}.tmp"
_TEMP_FILE = re.compile(r"[0-9a-z]{28}\.ctmp")


def is_own_file(name: str) -> bool:
    """Whether ``name`` (in an index folder) is a name Whoosh gives what it writes."""
    return name == TEMP_FOLDER or any(
        pattern.fullmatch(name) for pattern in (_SEGMENT_FILE, TOC_FILE, _TOC_TEMP)
    )


def read_toc(index_dir: Path) -> Any:
    """Return the latest TOC of the index (schema, segments, generation), read safely
    (:func:`searcher.store.safepickle.read_toc`)."""
    return safepickle.read_toc(FileStorage(str(index_dir)))


def commit(index_dir: Path, schema: Any, segments: list[Any], generation: int) -> None:
    """Write the TOC of ``generation`` naming ``segments``, durably, then delete
    TOCs older than the one before it (kept so a reader opening it still finds it).
    """
    TOC(schema, segments, generation).write(DurableStorage(str(index_dir)), INDEX_NAME)
    for path in index_dir.iterdir():
        match = TOC_FILE.fullmatch(path.name)
        if match and int(match[1]) < generation - 1:
            path.unlink(missing_ok=True)


def _dead(path: Path, live: set[str], generation: int) -> bool:
    """Whether ``path`` is a file of ours that no TOC from ``generation - 1`` on needs."""
    name = path.name
    segment = _SEGMENT_FILE.fullmatch(name)
    toc = TOC_FILE.fullmatch(name)
    return not path.is_dir() and (
        (segment is not None and segment[1] not in live)
        or (toc is not None and int(toc[1]) < generation - 1)
        or _TOC_TEMP.fullmatch(name) is not None
    )


def _clear_temp_folder(index_dir: Path) -> list[str]:
    """Delete what a killed writer left in Whoosh's temporary folder, then the
    folder; return the names of the files deleted (the folder is no orphan:
    every writer leaves it)."""
    folder = index_dir / TEMP_FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        if _TEMP_FILE.fullmatch(path.name) and not path.is_dir():
            path.unlink(missing_ok=True)
            removed.append(f"{TEMP_FOLDER}/{path.name}")
    with contextlib.suppress(OSError):  # it holds files of someone else's
        folder.rmdir()
    return removed


def remove_orphans(index_dir: Path) -> list[str]:
    """Delete what killed writers leave behind: segment files no TOC names,
    half-written TOCs and temporary files; only files named as Whoosh names
    its own are touched. Call only while holding the lock.

    :returns: the names of the files deleted.
    """
    try:
        toc = read_toc(index_dir)
    except Exception:  # no readable TOC: leave everything for `verify` to judge
        return []
    live = {s.segment_id() for s in toc.segments}
    removed = [p.name for p in sorted(index_dir.iterdir()) if _dead(p, live, toc.generation)]
    for name in removed:
        (index_dir / name).unlink(missing_ok=True)
    removed += _clear_temp_folder(index_dir)
    if removed:
        LOGGER.info("removed %d orphan files of killed writers", len(removed))
    return removed


def start_over(index_dir: Path, schema: Any) -> None:
    """Commit a generation naming no segment, then delete every older TOC and
    every segment and temporary file: the index is empty, whatever state it
    was in. Call only while holding the lock."""
    generation = max(safepickle.toc_generations(index_dir), default=-1) + 1
    commit(index_dir, schema, [], generation)
    for path in index_dir.iterdir():
        if _dead(path, set(), generation + 1):
            path.unlink(missing_ok=True)
    _clear_temp_folder(index_dir)
