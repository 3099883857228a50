"""Exact duplicates across shards: a sharded index holds what one index holds.

Each shard leaves out the copies of a story it holds twice (same duplicate key:
title, body and date), keeping the first in corpus order
(:mod:`searcher.indexing.committing`). Copies under ids routed to different
shards never meet there, so after the shards' builds the coordinator settles
them (:func:`settle`):

1. each shard lists the duplicate keys it holds (8 bytes an article: on a
   corpus without copies, this is all the step costs);
2. for a key held by several shards, the first holder in corpus order (the
   run's roots in order, each root's files in :func:`searcher.ingest.scan`
   order, a file's articles in order) keeps it; its shard records the others
   as its copies (``duplicates``: a hit names them, ``get`` reaches them);
3. each other holder is left out of its shard, as if that shard had met the
   kept copy: recorded ``left_out`` because of the kept copy's file, so it is
   read again when that file changes or goes, and the step, run again, keeps
   it if it is now the first (:mod:`searcher.store.shard_copies`);
4. files its shard had left out because of it for another reason (its id) are
   read again by a second build of that shard, and the step runs again.

Copies recorded in a shard but no longer left out (their own shard holds them
again, or the kept copy went) are forgotten. Every write is one shard's
commit under its lock, the kept side first, so a run killed anywhere in the
step leaves copies held twice at worst, and the next run settles them.

The per-shard functions take the shard's folder as a ``str`` and return plain
values: they run in this process or as Dask tasks alike.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from searcher import ingest, store
from searcher.errors import SearcherError
from searcher.models import Skipped, UpdateReport
from searcher.store import shard_copies

#: Runs a per-shard function over ``calls`` (one tuple of arguments a shard), in order.
OnShards = Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]
#: Builds the shards numbered so again (an incremental run), returning their reports.
Rebuild = Callable[[list[int]], list[UpdateReport]]
#: Builds and settles at most this many times a run; files still marked are
#: read by the next run.
MAX_PASSES = 4

# The shard's side ----------------------------------------------------------


#: A shard's files: path -> (content hash, articles held, the files it had
#: articles left out because of).
Files = dict[str, tuple[str, int, frozenset[str]]]


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


def keys(path: str, number: int, shards: int) -> tuple[bytes, list[tuple[str, str, str, bool]]]:
    """The duplicate keys the shard holds (packed 8-byte integers), and the
    copies it records whose ids are routed to other shards, each with whether
    the shard still holds the copy they are of."""
    manifest = store.Manifest(Path(path))
    held = array("q", shard_copies.held_keys(manifest)).tobytes()
    crossing = [
        c for c in shard_copies.cross_copies(manifest) if ingest.shard_of(c[0], shards) != number
    ]
    holding = shard_copies.held_ids(manifest, [c[2] for c in crossing]) if crossing else set()
    return held, [(*c, c[2] in holding) for c in crossing]


def holders(
    path: str, wanted: list[int]
) -> dict[int, tuple[str, str, tuple[tuple[str, str], ...]]]:
    """The shard's holder (id, file, copies left out) of each of the keys ``wanted``."""
    return shard_copies.holders(store.Manifest(Path(path)), wanted)


def held(path: str, article_ids: list[str]) -> set[str]:
    """Which of ``article_ids`` the shard holds."""
    return shard_copies.held_ids(store.Manifest(Path(path)), article_ids)


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


def hand_over(path: str, losers: list[tuple[str, str, str, str]]) -> list[str]:
    """Leave out of the shard each loser (id, file, kept id, kept file), in one
    commit; return the files it marked to be read again."""
    index_dir = Path(path)
    ix = store.open_existing(index_dir, mmap=False)
    with store.write_lock(ix, index_dir):
        manifest = store.Manifest(index_dir)
        toc = store.read_toc(index_dir)
        with manifest.transaction() as txn:
            for loser in losers:
                shard_copies.hand_over(txn, *loser)
            marked = shard_copies.mark_unexplained(txn, {p for _, p, _, _ in losers})
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


# The coordinator's side ----------------------------------------------------


@dataclass
class _Step:
    """What one settling step found and did."""

    losers: dict[int, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    records: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    stale: dict[int, list[str]] = field(default_factory=dict)


def settle(
    on_shards: OnShards,
    shards: Sequence[str],
    roots: Sequence[str],
    options: ingest.ReadOptions,
    before: list[Files],
    report: UpdateReport,
    rebuild: Rebuild,
) -> UpdateReport:
    """Settle the copies held by several shards after their builds (see the
    module's docstring), building shards again while the step marks files to
    read; return the run's ``report`` as one index's would read.

    :param before: each shard's :func:`files` before the run (``[]``: a rebuild).
    """
    from searcher.cluster.reports import combine_reports

    lost: list[tuple[str, str, str]] = []
    for _ in range(MAX_PASSES):
        step = _find(on_shards, shards, roots, options)
        if not step.losers and not step.stale:
            break
        calls = [(p, step.records.get(n, []), step.stale.get(n, [])) for n, p in enumerate(shards)]
        on_shards(record, [c for c in calls if c[1] or c[2]])
        numbers = sorted(step.losers)
        marked = on_shards(hand_over, [(shards[n], step.losers[n]) for n in numbers])
        lost += [loser[:3] for n in numbers for loser in step.losers[n]]
        again = [n for n, files_marked in zip(numbers, marked, strict=True) if files_marked]
        if not again:
            break
        more = combine_reports(rebuild(again), 0.0)
        report = replace(
            report,
            removed=report.removed + more.removed,
            duplicates=report.duplicates + more.duplicates,
        )
    after = on_shards(files, [(p,) for p in shards])
    report = _as_one_index(on_shards, shards, report, before, after, lost)
    if lost:
        report = replace(report, articles=sum(on_shards(article_count, [(p,) for p in shards])))
    return report


def _find(
    on_shards: OnShards, shards: Sequence[str], roots: Sequence[str], options: ingest.ReadOptions
) -> _Step:
    """The copies held by several shards, and which holder keeps each; the
    stale records of copies."""
    step = _Step()
    answers = on_shards(keys, [(p, n, len(shards)) for n, p in enumerate(shards)])
    seen: set[int] = set()
    twice: set[int] = set()
    held_by: list[set[int]] = []
    for packed, _ in answers:
        mine = set(array("q", packed))
        twice |= seen & mine
        seen |= mine
        held_by.append(mine)
    _find_stale(on_shards, shards, [crossing for _, crossing in answers], step)
    if not twice:
        return step
    wanted = [sorted(mine & twice) for mine in held_by]
    found = on_shards(holders, [(p, wanted[n]) for n, p in enumerate(shards)])
    order = _Order(roots, options)
    for key in sorted(twice):
        held_copies = [(n, *found[n][key]) for n in range(len(shards)) if key in found[n]]
        shared = len({h[2] for h in held_copies}) < len(held_copies)
        held_copies.sort(key=lambda h: order.place(h[2], h[1], within=shared))
        keeper, kept_id, kept_path, _ = held_copies[0]
        for number, article_id, path, copies in held_copies[1:]:
            step.losers.setdefault(number, []).append((article_id, path, kept_id, kept_path))
            rows = [(article_id, path, kept_id), *((c, p, kept_id) for c, p in copies)]
            step.records.setdefault(keeper, []).extend(rows)
    return step


def _find_stale(
    on_shards: OnShards,
    shards: Sequence[str],
    crossing: list[list[tuple[str, str, str, bool]]],
    step: _Step,
) -> None:
    """Records of copies routed to other shards that are no longer left out:
    the copy they are of went, or the copy's own shard holds it again."""
    asked: dict[int, list[str]] = {}
    for number, rows in enumerate(crossing):
        for copy_id, _, _, of_held in rows:
            if not of_held:
                step.stale.setdefault(number, []).append(copy_id)
            else:
                asked.setdefault(ingest.shard_of(copy_id, len(shards)), []).append(copy_id)
    if not asked:
        return
    owners = sorted(asked)
    answers = on_shards(held, [(shards[n], asked[n]) for n in owners])
    back = set().union(*answers)
    for number, rows in enumerate(crossing):
        gone = [c for c, _, _, of_held in rows if of_held and c in back]
        if gone:
            step.stale.setdefault(number, []).extend(gone)


class _Order:
    """Places in corpus order: a file's in the scan of the run's roots, an
    article's in its file (read only when two holders share a file)."""

    def __init__(self, roots: Sequence[str], options: ingest.ReadOptions) -> None:
        scan = ingest.scan([Path(root).resolve() for root in roots])
        self._files = {str(f.path): (n, f.doc_id) for n, f in enumerate(scan.files)}
        self._options = replace(options, shard=0, shards=1)
        self._within: dict[str, dict[str, int]] = {}

    def place(self, path: str, article_id: str, *, within: bool) -> tuple[int, int, str]:
        """The article's place: its file's, then (``within``) its own in the
        file, then its id (for a file that is gone, or changed since)."""
        number, doc_id = self._files.get(path, (len(self._files), ""))
        if not within:
            return number, 0, article_id
        places = self._within.get(path)
        if places is None:
            places = self._within[path] = self._read(path, doc_id)
        return number, places.get(article_id, len(places)), article_id

    def _read(self, path: str, doc_id: str) -> dict[str, int]:
        try:
            articles = ingest.read_file(path, doc_id or None, self._options)
        except (SearcherError, OSError):
            return {}
        return {a.id: n for n, a in enumerate(articles)}


def _read(old: Files, new: Files) -> set[str]:
    """The files a shard read in a run, from its files before and after it:
    those new or changed, and, in turn, those it had left articles out of
    because of a file read or gone (:meth:`searcher.store.Transaction.reread_left_out`)."""
    read = {p for p, entry in new.items() if p not in old or old[p][0] != entry[0]}
    frontier = read | (old.keys() - new.keys())
    while frontier:
        frontier = {p for p, entry in old.items() if entry[2] & frontier and p in new} - read
        read |= frontier
    return read


def _as_one_index(
    on_shards: OnShards,
    shards: Sequence[str],
    report: UpdateReport,
    before: list[Files],
    after: list[Files],
    lost: list[tuple[str, str, str]],
) -> UpdateReport:
    """``report`` counted as one index counts a run: a file read by any shard
    is read by one index, all its articles replaced (updated) or added; the
    copies it leaves out are listed; an article held from an earlier run that
    the step left out (``lost``: id, file, kept id) is removed, as one index
    removes an article a copy earlier in the corpus takes the place of."""
    readers: dict[str, set[int]] = {}
    for number, entries in enumerate(after):
        for path in _read(before[number] if before else {}, entries):
            readers.setdefault(path, set()).add(number)
    added = updated = 0
    for path in readers:
        kept = sum(entries[path][1] for entries in after if path in entries)
        was = sum(entries[path][1] for entries in before if path in entries)
        updated += min(kept, was)
        added += kept - min(kept, was)
    renamed = {f"duplicate of {i}": f"duplicate of {k}" for i, _, k in lost}
    listed = [replace(d, reason=renamed.get(d.reason, d.reason)) for d in report.duplicates]
    listed += [Skipped(f"{path} ({i})", f"duplicate of {k}") for i, path, k in lost]
    # Copies left out of a file that their own shard did not read this run.
    partly = sorted(p for p, numbers in readers.items() if len(numbers) < len(shards))
    if partly:
        shown = {d.path for d in listed}
        for rows in on_shards(copies_in, [(p, partly) for p in shards]):
            for copy_id, path, of_id in rows:
                where = f"{path} ({copy_id})"
                if (
                    ingest.shard_of(copy_id, len(shards)) not in readers[path]
                    and where not in shown
                ):
                    listed.append(Skipped(where, f"duplicate of {of_id}"))
    return replace(
        report,
        added=added,
        updated=updated,
        removed=report.removed + sum(1 for _, path, _ in lost if path not in readers),
        duplicates=tuple(listed),
    )
