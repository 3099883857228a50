"""Opening an index folder: :func:`open_index`, :func:`verify_index` (check
without opening) and :func:`reset_index` (empty it whatever state it is in).
Part of the facade, above :mod:`searcher.index`; :mod:`searcher.cluster` opens
a sharded index or one of these."""

from __future__ import annotations

from pathlib import Path

from searcher import store
from searcher.config import as_path, as_paths, require_flag, resolve_index_dir
from searcher.errors import IndexNotFoundError
from searcher.index import Index, PathLike
from searcher.models import VerifyReport


def open_index(
    path: PathLike | None = None, *, create: bool = False, mmap: bool = True, force: bool = False
) -> Index:
    """Open the index at ``path`` (default: ``$SEARCHER_INDEX``, else ``index/``).

    :param create: make an empty index when there is none yet.
    :param mmap: map segment files into memory: slower to open (the first
        search copies them in), faster for every query after. Pass ``False`` in
        a process that runs one query and exits.
    :param force: with ``create``, make it even in a folder that holds other
        files (they stay: only the index's own files are ever deleted).
    :raises IndexNotFoundError: there is no index and ``create`` is false.
    :raises FolderNotEmptyError: there is none, and the folder holds other files.
    :raises IndexVersionError: the index must be rebuilt for this searcher.
    :raises IndexCorruptError: the index files cannot be read.
    """
    index_dir = _index_dir(path)
    require_flag(create, "create")
    require_flag(mmap, "mmap")
    try:
        return Index(index_dir, store.open_existing(index_dir, mmap=mmap))
    except IndexNotFoundError:
        if not create:
            raise
    return Index(index_dir, store.create(index_dir, force=force))


def verify_index(path: PathLike | None = None, *corpus: PathLike) -> VerifyReport:
    """Check the index at ``path`` without opening it first, so a damaged index is
    reported (with the command that fixes it) rather than raised.

    :param corpus: corpus folders to compare with the manifest, when given.
    """
    from searcher.indexing import inspection

    return inspection.verify(_index_dir(path), as_paths(corpus, "corpus") or None)


def reset_index(path: PathLike | None = None, *, force: bool = False) -> Index:
    """Empty the index at ``path`` (default as :func:`open_index`) whatever state it
    is in, damaged or built by another version, and return it, ready to be rebuilt.

    :param force: as :func:`open_index`'s, when the folder holds no index.
    :raises FolderNotEmptyError: it holds other files and no index.
    :raises IndexBusyError: another process is writing the index.
    """
    index_dir = _index_dir(path)
    return Index(index_dir, store.reset(index_dir, force=force))


def _index_dir(path: PathLike | None) -> Path:
    """The index folder of a ``path`` argument (``None``: the default one)."""
    return resolve_index_dir(None if path is None else as_path(path, "path"))
