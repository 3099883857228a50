"""The index folder on disk: creating it, opening it safely, and taking its write lock.

Whoosh pickles the schema (analyzers included) into the index; it is read back
by :mod:`searcher.store.safepickle`, which builds only what an index holds. An index
may share its folder with other files: only its own, known by name, are ever
deleted, and a new one goes into a folder of other files only when forced.
"""

from __future__ import annotations

import json
import logging
import pickle
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import FileFormatError
from whoosh.index import EmptyIndexError, FileIndex

from searcher._version import __version__
from searcher.analysis import use_stem_table
from searcher.errors import (
    FolderNotEmptyError,
    IndexBusyError,
    IndexCorruptError,
    IndexNotFoundError,
    IndexVersionError,
)
from searcher.schema import SCHEMA_VERSION, build_schema
from searcher.store import checksums
from searcher.store.safepickle import INDEX_NAME, SafeFileIndex, toc_generations

LOGGER = logging.getLogger(__name__)

#: A small JSON file beside Whoosh's own, naming the schema version.
VERSION_FILE = "searcher.json"
#: The write lock's file: Whoosh's ``FileIndex.lock("WRITELOCK")``.
LOCK_NAME = f"{INDEX_NAME}_WRITELOCK"
#: Seconds a writer waits for another process to release the index.
LOCK_TIMEOUT = 5.0

#: What a damaged or foreign index raises while being opened or first read.
READ_ERRORS = (
    EmptyIndexError,
    whoosh_index.IndexError,  # Whoosh's own, raised for a garbled TOC
    FileFormatError,  # Whoosh's, for a garbled term table header
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
    OSError,
)


def index_exists(index_dir: Path) -> bool:
    """Return whether ``index_dir`` holds a searcher index."""
    # Whoosh's own exists_in() opens the index, and raises when it is damaged.
    return (index_dir / VERSION_FILE).is_file() and bool(toc_generations(index_dir))


def create(index_dir: Path, *, force: bool = False) -> FileIndex:
    """Create an empty index in ``index_dir`` (made if missing), replacing any index
    there, damaged or of another version, and emptying its manifest.

    Only the index's own files are deleted: others in the folder stay.

    :param force: create it even when the folder holds other files and no index.
    :raises FolderNotEmptyError: it does, and ``force`` is false.
    :raises IndexBusyError: another process is writing the index.
    """
    if not force:
        _check_folder(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with _locked(FileStorage(str(index_dir)).lock(LOCK_NAME), index_dir):
        empty(index_dir)
    return SafeFileIndex(FileStorage(str(index_dir)), INDEX_NAME)


def empty(index_dir: Path) -> None:
    """Make the index in ``index_dir`` an empty one of this searcher's schema, with
    an empty manifest. Call only while holding the write lock.

    In this order, so that a crash at any point leaves an index that asks for
    no more than a run or a rebuild: the manifest first (an index that holds
    more than its manifest is made whole by the next run; the other way round,
    files would be skipped as unchanged), and the version file last (a TOC
    without one is refused as damaged).
    """
    from searcher.store.generations import start_over
    from searcher.store.manifest import Manifest

    Manifest(index_dir).clear()
    (index_dir / VERSION_FILE).unlink(missing_ok=True)
    start_over(index_dir, build_schema())
    write_version(index_dir)


#: Files a folder may hold and still take a new index: version control's placeholders.
PLACEHOLDERS = frozenset({".gitkeep", ".keep", ".gitignore"})


def _check_folder(index_dir: Path) -> None:
    """Refuse to create an index in a folder holding other files and no index."""
    from searcher.store.generations import is_own_file
    from searcher.store.manifest import MANIFEST_NAME

    if not index_dir.is_dir() or (index_dir / VERSION_FILE).exists() or toc_generations(index_dir):
        return  # none, or an index (damaged, maybe): its own files are known by name
    ours = {VERSION_FILE, LOCK_NAME, MANIFEST_NAME, *PLACEHOLDERS}
    ours.update(MANIFEST_NAME + suffix for suffix in ("-journal", "-wal", "-shm"))
    if any(p.name not in ours and not is_own_file(p.name) for p in index_dir.iterdir()):
        raise FolderNotEmptyError(index_dir)


def write_version(index_dir: Path) -> None:
    """Record this searcher's schema version in ``index_dir``."""
    (index_dir / VERSION_FILE).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION, "created_by": __version__}) + "\n",
        encoding="utf-8",
    )


def read_version(index_dir: Path) -> str:
    """Return the schema version recorded in ``index_dir``."""
    try:
        info: dict[str, Any] = json.loads((index_dir / VERSION_FILE).read_text(encoding="utf-8"))
        return str(info["schema_version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(index_dir, f"{VERSION_FILE} is unreadable") from exc


def open_existing(index_dir: Path, *, mmap: bool = True) -> FileIndex:
    """Open the index in ``index_dir``.

    :param mmap: map segment files into memory. Whoosh copies each part of a
        mapped segment into memory when a reader opens it (about 60 ms on
        Reuters), then reads it fast; without mmap it reads the files in place:
        quicker to open, about 20% slower per query. One-shot processes (the
        CLI) open without it, long-lived ones with it.

    :raises IndexNotFoundError: there is none.
    :raises IndexVersionError: it was built with another schema version.
    :raises IndexCorruptError: its files cannot be read.
    """
    if not index_exists(index_dir):
        if toc_generations(index_dir):  # the version file alone is gone
            raise IndexCorruptError(index_dir, f"{VERSION_FILE}, its schema version, is missing")
        raise IndexNotFoundError(index_dir)
    found = read_version(index_dir)
    if found != SCHEMA_VERSION:
        raise IndexVersionError(index_dir, found, SCHEMA_VERSION)
    from searcher.store.manifest import MANIFEST_NAME, StemTable

    if (index_dir / MANIFEST_NAME).is_file():
        use_stem_table(StemTable(index_dir / MANIFEST_NAME))  # stems met while indexing
    try:
        ix = SafeFileIndex(FileStorage(str(index_dir), supports_mmap=mmap), INDEX_NAME)
        # Read the table of contents (schema and segment list) now, to fail here;
        # segment files are read by the first search (see Index), not twice:
        # here only their sizes are checked.
        checksums.check_latest(index_dir, full=False)
    except READ_ERRORS as exc:
        raise IndexCorruptError(index_dir, f"{type(exc).__name__}: {exc}") from exc
    return ix


@contextmanager
def write_lock(ix: FileIndex, index_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the index's write lock for a whole run, waiting up to ``timeout`` seconds.

    It is Whoosh's own lock (``flock`` on ``MAIN_WRITELOCK``), so Whoosh writers
    respect it, and the kernel releases it when the process dies: a killed run
    never leaves a stale lock.

    :param timeout: seconds to wait; default :data:`LOCK_TIMEOUT`.
    :raises IndexBusyError: another process held it for longer than ``timeout``.
    """
    with _locked(ix.lock("WRITELOCK"), index_dir, timeout):
        yield


@contextmanager
def _locked(lock: Any, index_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold ``lock``, waiting up to ``timeout`` seconds (default :data:`LOCK_TIMEOUT`)."""
    deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise IndexBusyError(index_dir)
        time.sleep(0.05)
    try:
        yield
    finally:
        lock.release()


def reset(index_dir: Path, *, force: bool = False) -> FileIndex:
    """Empty the index in ``index_dir`` whatever state it is in (damaged, built with
    another schema version), so it can be rebuilt; the manifest is cleared too.

    :param force: and when the folder holds other files and no index.
    :raises FolderNotEmptyError: it does, and ``force`` is false.
    :raises IndexBusyError: another process is writing the index.
    """
    return create(index_dir, force=force)
