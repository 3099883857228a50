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
again, or the kept copy went) are forgotten; a record its shard dropped while
reading a file again for an article of its own, or whose kept copy changed
there, has the copy's own shard read the copy's file again (which leaves it
out anew, or holds it). Every write is one shard's commit under its lock, the
kept side first, so a run killed anywhere in the step leaves copies held twice
at worst, and the next run settles them. The run's report is counted as one
index counts it (:func:`searcher.cluster.reports.count_as_one_index`).

The per-shard reads and commits are :mod:`searcher.cluster.duplicate_tasks`:
they run in this process or as Dask tasks alike.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from searcher import ingest
from searcher.cluster import duplicate_tasks as tasks
from searcher.cluster.reports import Files, combine_reports, count_as_one_index, files_read
from searcher.errors import SearcherError
from searcher.models import UpdateReport

#: Runs a per-shard function over ``calls`` (one tuple of arguments a shard), in order.
OnShards = Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]
#: Builds the shards numbered so again (an incremental run), returning their reports.
Rebuild = Callable[[list[int]], list[UpdateReport]]
#: Builds and settles at most this many times a run; files still marked are
#: read by the next run.
MAX_PASSES = 4


@dataclass(frozen=True)
class Before:
    """The shards before a run: each one's files and copies routed elsewhere
    (:func:`~searcher.cluster.duplicate_tasks.recorded`); none on a rebuild."""

    files: list[Files] = field(default_factory=list)
    copies: list[list[tasks.Crossing]] = field(default_factory=list)


def before_run(on_shards: OnShards, shards: Sequence[str], rebuild: bool) -> Before:
    """What :func:`settle` compares the shards with after their builds."""
    if rebuild:
        return Before()
    answers = on_shards(tasks.recorded, _numbered(shards))
    return Before([a[0] for a in answers], [a[1] for a in answers])


@dataclass
class _Step:
    """What one settling step found and did."""

    losers: dict[int, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    records: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    stale: dict[int, list[str]] = field(default_factory=dict)
    repoints: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)


def settle(
    on_shards: OnShards,
    shards: Sequence[str],
    roots: Sequence[str],
    options: ingest.ReadOptions,
    before: Before,
    report: UpdateReport,
    rebuild: Rebuild,
) -> UpdateReport:
    """Settle the copies held by several shards after their builds (see the
    module's docstring), building shards again while the step marks files to
    read; return the run's ``report`` as one index's would read.

    :param before: the shards before the run (:func:`before_run`).
    """
    lost: list[tuple[str, str, str]] = []
    built = on_shards(tasks.files, [(p,) for p in shards])
    # The files each shard read this run: a copy recorded in another shard
    # whose own shard read its file again is held there now, or left out anew.
    read = [
        files_read(before.files[n] if before.files else {}, entries)
        for n, entries in enumerate(built)
    ]
    report, read = _keep_copies(on_shards, shards, before, read, report, rebuild)
    for _ in range(MAX_PASSES):
        step = _find(on_shards, shards, roots, options, read)
        if not step.losers and not step.stale:
            break
        calls = [(p, step.records.get(n, []), step.stale.get(n, [])) for n, p in enumerate(shards)]
        on_shards(tasks.record, [c for c in calls if c[1] or c[2]])
        numbers = sorted(step.losers.keys() | step.repoints.keys())
        marked = on_shards(
            tasks.hand_over,
            [
                (shards[n], n, len(shards), step.losers.get(n, []), step.repoints.get(n, []))
                for n in numbers
            ],
        )
        lost += [loser[:3] for n in numbers for loser in step.losers.get(n, [])]
        to_read = [n for n, files_marked in zip(numbers, marked, strict=True) if files_marked]
        if not to_read:
            break
        report, read = _build_again(on_shards, shards, to_read, report, rebuild)
    after = on_shards(tasks.files, [(p,) for p in shards])
    report = count_as_one_index(
        report,
        before.files,
        after,
        lost,
        lambda paths: _copies_in(on_shards, shards, paths),
        built,
    )
    if lost:
        report = replace(
            report, articles=sum(on_shards(tasks.article_count, [(p,) for p in shards]))
        )
    return report


def _build_again(
    on_shards: OnShards,
    shards: Sequence[str],
    numbers: list[int],
    report: UpdateReport,
    rebuild: Rebuild,
    depth: int = 0,
) -> tuple[UpdateReport, list[set[str]]]:
    """Build the shards ``numbers`` again (the files a step marked to be
    read), keeping the records of copies other shards hold; ``report`` with
    what they removed and left out, and the files each shard read."""
    before = Before(
        on_shards(tasks.files, [(p,) for p in shards]),
        [crossing for _, crossing in on_shards(tasks.keys, _numbered(shards))],
    )
    more = combine_reports(rebuild(numbers), 0.0)
    report = replace(
        report,
        removed=report.removed + more.removed,
        duplicates=report.duplicates + more.duplicates,
    )
    now = on_shards(tasks.files, [(p,) for p in shards])
    read = [files_read(before.files[n], entries) for n, entries in enumerate(now)]
    return _keep_copies(on_shards, shards, before, read, report, rebuild, depth)


def _keep_copies(
    on_shards: OnShards,
    shards: Sequence[str],
    before: Before,
    read: list[set[str]],
    report: UpdateReport,
    rebuild: Rebuild,
    depth: int = 0,
) -> tuple[UpdateReport, list[set[str]]]:
    """After builds that read ``read``: the copies whose records another shard
    may have lost (:func:`_doubted`) read again by their own shards; the
    report with those builds, and every file read."""
    again, doubted = _doubted(on_shards, shards, before, read)
    if not again or depth >= MAX_PASSES:
        return report, read
    on_shards(tasks.record, [(shards[n], [], doubted[n]) for n in sorted(doubted)])
    numbers = sorted(again)
    on_shards(tasks.mark, [(shards[n], sorted(again[n])) for n in numbers])
    report, more = _build_again(on_shards, shards, numbers, report, rebuild, depth + 1)
    return report, [mine | theirs for mine, theirs in zip(read, more, strict=True)]


def _numbered(shards: Sequence[str]) -> list[tuple[str, int, int]]:
    return [(p, n, len(shards)) for n, p in enumerate(shards)]


def _find(
    on_shards: OnShards,
    shards: Sequence[str],
    roots: Sequence[str],
    options: ingest.ReadOptions,
    read: list[set[str]] | None,
) -> _Step:
    """The copies held by several shards, and which holder keeps each; the
    stale records of copies (``read``: each shard's files read this run,
    before any step of it)."""
    step = _Step()
    answers = on_shards(tasks.keys, _numbered(shards))
    seen: set[int] = set()
    twice: set[int] = set()
    held_by: list[set[int]] = []
    for packed, _ in answers:
        mine = set(array("q", packed))
        twice |= seen & mine
        seen |= mine
        held_by.append(mine)
    _find_stale(on_shards, shards, [crossing for _, crossing in answers], step, read)
    if not twice:
        return step
    wanted = [sorted(mine & twice) for mine in held_by]
    found = on_shards(tasks.holders, [(p, wanted[n]) for n, p in enumerate(shards)])
    order = _Order(roots, options)
    for key in sorted(twice):
        held_copies = [(n, *found[n][key]) for n in range(len(shards)) if key in found[n]]
        shared = len({h[2] for h in held_copies}) < len(held_copies)
        held_copies.sort(key=lambda h: order.place(h[2], h[1], within=shared))
        keeper, kept_id, kept_path, _ = held_copies[0]
        for number, article_id, path, copies in held_copies[1:]:
            stale = set(step.stale.get(number, ()))
            copies = tuple(c for c in copies if c[0] not in stale)
            step.losers.setdefault(number, []).append((article_id, path, kept_id, kept_path))
            rows = [(article_id, path, kept_id), *((c, p, kept_id) for c, p in copies)]
            step.records.setdefault(keeper, []).extend(rows)
            for copy_id, copy_path in copies:  # left out in its own shard because of ``path``
                owner = ingest.shard_of(copy_id, len(shards))
                step.repoints.setdefault(owner, []).append((copy_path, path, kept_path))
    return step


def _find_stale(
    on_shards: OnShards,
    shards: Sequence[str],
    crossing: list[list[tasks.Crossing]],
    step: _Step,
    read: list[set[str]] | None,
) -> None:
    """Records of copies routed to other shards that are no longer left out:
    the copy they are of went, the copy's own shard read its file again
    (``read``), or holds it again."""
    asked: dict[int, list[str]] = {}
    for number, rows in enumerate(crossing):
        for copy_id, copy_path, _, of_path in rows:
            owner = ingest.shard_of(copy_id, len(shards))
            if not of_path or (read is not None and copy_path in read[owner]):
                step.stale.setdefault(number, []).append(copy_id)
            else:
                asked.setdefault(owner, []).append(copy_id)
    if not asked:
        return
    owners = sorted(asked)
    answers = on_shards(tasks.held, [(shards[n], asked[n]) for n in owners])
    back = set().union(*answers)
    for number, rows in enumerate(crossing):
        gone = [c for c, _, _, of_path in rows if of_path and c in back]
        if gone:
            step.stale.setdefault(number, []).extend(gone)


def _copies_in(
    on_shards: OnShards, shards: Sequence[str], paths: list[str]
) -> list[tuple[int, str, str, str]]:
    """Every shard's copies recorded as left out of ``paths``: (the shard
    their ids are routed to, id, file, id of the copy they are of)."""
    rows = on_shards(tasks.copies_in, [(p, paths) for p in shards])
    return [(ingest.shard_of(c, len(shards)), c, p, of) for part in rows for c, p, of in part]


def _doubted(
    on_shards: OnShards, shards: Sequence[str], before: Before, read: list[set[str]]
) -> tuple[dict[int, set[str]], dict[int, list[str]]]:
    """The copies recorded in another shard before the run whose record may
    no longer hold (it went, or the copy it is of went, or its shard read
    that copy's file again), while their own shard did not read their file:
    those files, to be read again by their own shards (each copy is then held
    again, or left out anew), by shard; and those records, to be forgotten."""
    again: dict[int, set[str]] = {}
    doubted: dict[int, list[str]] = {}
    if not any(before.copies):
        return again, doubted
    now = on_shards(tasks.keys, _numbered(shards))
    for number, rows in enumerate(before.copies):
        current = {row[0]: row for row in now[number][1]}
        for copy_id, copy_path, of_id, _ in rows:
            owner = ingest.shard_of(copy_id, len(shards))
            if copy_path in read[owner]:
                continue
            row = current.get(copy_id)
            if row and row[2] == of_id and row[3] and row[3] not in read[number]:
                continue
            again.setdefault(owner, set()).add(copy_path)
            if row:
                doubted.setdefault(number, []).append(copy_id)
    return again, doubted


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
