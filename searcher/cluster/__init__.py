"""Sharded indexes, searched on this machine's cores or on a Dask cluster.

:func:`open_index` opens a plain index (:class:`searcher.Index`) or a sharded
one (:class:`ShardedIndex`, same interface), and makes a sharded one when asked
for ``shards``. The package sits above the facade (``searcher.index``) and uses
the library as it is: each shard is a complete searcher index.

Layer: above ``index``, beside the shells (``cli`` imports it through the
package root); below nothing.
"""

from __future__ import annotations

from typing import Any

from searcher.cluster.executors import (
    DEFAULT_DEADLINE,
    Executor,
    LocalExecutor,
    ShardError,
    default_workers,
)
from searcher.cluster.layout import MAX_SHARDS, is_sharded, read_layout, write_layout
from searcher.cluster.reports import verify_shards
from searcher.cluster.sharded import ShardedIndex
from searcher.config import as_path, require, require_count, require_flag, resolve_index_dir
from searcher.errors import FolderNotEmptyError, SearcherError
from searcher.index import Index, PathLike
from searcher.models import VerifyReport
from searcher.opening import open_index as open_plain_index
from searcher.opening import verify_index as verify_plain_index

REBUILD_ADVICE = "searcher index --rebuild CORPUS"


def open_index(
    path: PathLike | None = None,
    *,
    create: bool = False,
    mmap: bool = True,
    force: bool = False,
    shards: int | None = None,
    cluster: str | Any | None = None,
    deadline: float = DEFAULT_DEADLINE,
    allow_partial: bool = False,
) -> Index | ShardedIndex:
    """Open the index at ``path`` (default: ``$SEARCHER_INDEX``, else ``index/``):
    a plain one, or a sharded one (a folder with ``shards.json``), which is
    searched on a pool of local processes.

    :param create: make an empty index when there is none yet.
    :param mmap: map segment files into memory (see :func:`searcher.opening.open_index`).
    :param force: with ``create``, make it even in a folder that holds other files.
    :param shards: with ``create``, make a sharded index of this many shards
        (``None``: a plain index). An existing index opens as it is, unless
        ``shards`` names another count.
    :param cluster: a sharded index is built and searched on this Dask cluster:
        its scheduler's address (``"tcp://HOST:8786"``) or a
        ``distributed.Client``; ``None``: on a pool of local processes. A plain
        index is searched in this process either way.
    :param deadline: seconds a query over a sharded index may take in all.
    :param allow_partial: search a sharded index without the shards that
        cannot be opened (the results' notes name them); else such a shard
        raises :class:`ShardError` at the first query.
    :raises IndexNotFoundError: there is no index and ``create`` is false.
    :raises SearcherError: ``shards`` differs from the existing index's count.
    """
    require_flag(create, "create")
    if shards is not None:
        require_count(shards, "shards")
        if shards > MAX_SHARDS:
            raise ValueError(f"shards must be at most {MAX_SHARDS}, not {shards}")
    require(deadline, "deadline", (int, float), "a number of seconds")
    require_flag(allow_partial, "allow_partial")
    index_dir = resolve_index_dir(None if path is None else as_path(path, "path"))
    if is_sharded(index_dir):
        layout = read_layout(index_dir)
        if shards is not None and shards != layout.shards:
            write_layout(index_dir, shards)  # raises: the counts differ
    elif shards is not None and create:
        if (index_dir / "searcher.json").exists():
            raise SearcherError(
                f"{index_dir}/ holds an index of one shard; index into a new folder "
                f"to make a sharded one"
            )
        if not force and index_dir.is_dir() and any(index_dir.iterdir()):
            raise FolderNotEmptyError(index_dir)
        layout = write_layout(index_dir, shards)
        for shard_dir in layout.shard_dirs():
            open_plain_index(shard_dir, create=True).close()
    else:
        return open_plain_index(index_dir, create=create, mmap=mmap, force=force)
    executor: Executor
    if cluster is not None:
        from searcher.cluster.dask_executor import DaskExecutor

        executor = DaskExecutor(cluster)
    else:
        executor = LocalExecutor(default_workers(layout.shards))
    return ShardedIndex(layout, executor, deadline=float(deadline), allow_partial=allow_partial)


def verify_index(path: PathLike | None = None, *corpus: PathLike) -> VerifyReport:
    """Check the index at ``path`` (plain or sharded) without opening it first,
    so a damaged index is reported rather than raised (see
    :func:`searcher.index.verify_index`); a sharded index's problems name their shard.
    """
    index_dir = resolve_index_dir(None if path is None else as_path(path, "path"))
    if is_sharded(index_dir):
        try:
            layout = read_layout(index_dir)
        except SearcherError as exc:
            return VerifyReport(0, 0, 0, (str(exc),), REBUILD_ADVICE)
        return verify_shards(layout, *corpus)
    return verify_plain_index(index_dir, *corpus)


__all__ = ["ShardError", "ShardedIndex", "open_index", "verify_index"]
