"""The shards' side of settling exact duplicates across shards
(:mod:`searcher.cluster.duplicates`): what one shard reads and commits.

Every function takes the shard's folder as a ``str`` and returns plain,
picklable values, so the same functions run in the coordinating process and
as Dask tasks. Each write is one commit of the shard under its lock (a new
generation, so open readers see it).

Imports ``searcher.store`` (the manifest, the lock, commits), ``searcher.ingest``
(routing) and the report's file records.
"""

from __future__ import annotations

from array import array
from collections import Counter
from pathlib import Path

from searcher import ingest, store
from searcher.cluster.reports import Files
from searcher.store import shard_copies


def files(path: str) -> Files:
    """The shard's files, as its manifest records them."""
    manifest = store.Manifest(Path(path))
    if not manifest.path.exists():
        return {}
    because = shard_copies.left_out_because(manifest)
    return {
        p: (e.sha1, e.articles, frozenset(because.get(p, ())))
        for p, e in manifest.entries().items()
    }


#: A copy recorded in a shard whose id is routed to another: its id, its
#: file, the id of the copy it is of, and that copy's file (``""``: not held).
Crossing = tuple[str, str, str, str]


def _crossing(manifest: store.Manifest, number: int, shards: int) -> list[Crossing]:
    crossing = [
        c for c in shard_copies.cross_copies(manifest) if ingest.shard_of(c[0], shards) != number
    ]
    holding = shard_copies.held_ids(manifest, [c[2] for c in crossing]) if crossing else {}
    return [(*c, holding.get(c[2], "")) for c in crossing]


def recorded(path: str, number: int, shards: int) -> tuple[Files, list[Crossing]]:
    """The shard's files and its copies routed to other shards, before a run."""
    return files(path), _crossing(store.Manifest(Path(path)), number, shards)


def keys(path: str, number: int, shards: int) -> tuple[bytes, list[Crossing]]:
    """The duplicate keys the shard holds (packed 8-byte integers), and the
    copies it records whose ids are routed to other shards."""
    manifest = store.Manifest(Path(path))
    held = array("q", shard_copies.held_keys(manifest)).tobytes()
    return held, _crossing(manifest, number, shards)


def holders(
    path: str, wanted: list[int]
) -> dict[int, tuple[str, str, tuple[tuple[str, str], ...]]]:
    """The shard's holder (id, file, copies left out) of each of the keys ``wanted``."""
    return shard_copies.holders(store.Manifest(Path(path)), wanted)


def held(path: str, article_ids: list[str]) -> set[str]:
    """Which of ``article_ids`` the shard holds."""
    return set(shard_copies.held_ids(store.Manifest(Path(path)), article_ids))


def record(path: str, copies: list[tuple[str, str, str]], stale: list[str]) -> None:
    """Record ``copies`` (id, file, id of the held copy) left out in other
    shards, and forget the ``stale`` ones, in one commit of the shard (a new
    generation, so open readers see them)."""
    index_dir = Path(path)
    ix = store.open_existing(index_dir, mmap=False)
    with store.write_lock(ix, index_dir):
        toc = store.read_toc(index_dir)
        with store.Manifest(index_dir).transaction() as txn:
            shard_copies.forget_copies(txn, stale)
            shard_copies.record_copies(txn, copies)
            store.commit(index_dir, toc.schema, toc.segments, toc.generation + 1)
            txn.set_generation(toc.generation + 1)


def hand_over(
    path: str,
    number: int,
    shards: int,
    losers: list[tuple[str, str, str, str]],
    repoints: list[tuple[str, str, str]],
) -> list[str]:
    """Leave out of shard ``number`` each loser (id, file, kept id, kept
    file), and have each copy of one of this shard's articles (file, the
    loser's file, the kept one's file) left out because of the kept one's
    file, in one commit; return the files marked to be read again."""
    index_dir = Path(path)
    ix = store.open_existing(index_dir, mmap=False)
    with store.write_lock(ix, index_dir):
        toc = store.read_toc(index_dir)
        with store.Manifest(index_dir).transaction() as txn:
            for loser in losers:
                shard_copies.hand_over(txn, *loser)
            for repointed in repoints:
                shard_copies.repoint(txn, *repointed)
            marked = shard_copies.mark_unexplained(
                txn,
                {p for _, p, _, _ in losers},
                lambda article_id: ingest.shard_of(article_id, shards) == number,
                Counter((copy_path, kept) for copy_path, _, kept in repoints),
            )
            ids = [i for i, _, _, _ in losers]
            store.delete_by_path(index_dir, toc.schema, toc.segments, ids, fieldname="id")
            store.commit(index_dir, toc.schema, toc.segments, toc.generation + 1)
            txn.set_generation(toc.generation + 1)
    return sorted(marked)


def copies_in(path: str, paths: list[str]) -> list[tuple[str, str, str]]:
    """The copies (id, file, id of the held copy) the shard records left out of ``paths``."""
    wanted = set(paths)
    return [c for c in shard_copies.cross_copies(store.Manifest(Path(path))) if c[1] in wanted]


def article_count(path: str) -> int:
    return sum(s.doc_count() for s in store.read_toc(Path(path)).segments)


def mark(path: str, paths: list[str]) -> list[str]:
    """Mark ``paths`` to be read again by the shard (and, in turn, what it
    left out because of them); return the files marked."""
    index_dir = Path(path)
    ix = store.open_existing(index_dir, mmap=False)
    with store.write_lock(ix, index_dir), store.Manifest(index_dir).transaction() as txn:
        return sorted(shard_copies.mark(txn, set(paths)))
