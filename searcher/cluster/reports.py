"""The reports of a sharded index's shards as one index's: what an update
did (counted as one index counts a run, from the shards' files before and
after it), what the index holds, what ``verify`` found, each shard named.

Imports the facade's opener (for ``verify``), ``searcher.models`` and the layout.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from searcher.cluster.layout import Layout, shard_name
from searcher.index import PathLike
from searcher.models import IndexStats, Skipped, UpdateReport, VerifyReport


def combine_reports(reports: list[UpdateReport], seconds: float) -> UpdateReport:
    """The shards' reports of one run as one: articles added up; a file skipped
    by every shard listed once."""
    first = reports[0]
    return UpdateReport(
        added=sum(r.added for r in reports),
        updated=sum(r.updated for r in reports),
        removed=sum(r.removed for r in reports),
        unchanged=min(r.unchanged for r in reports),
        articles=sum(r.articles for r in reports),
        seconds=seconds,
        skipped=first.skipped,
        ignored=first.ignored,
        duplicates=tuple(d for r in reports for d in r.duplicates),
    )


#: A shard's files: path -> (content hash, articles held, the files it had
#: articles left out because of).
Files = dict[str, tuple[str, int, frozenset[str]]]


def files_read(old: Files, new: Files) -> set[str]:
    """The files a shard read in a run, from its files before and after it:
    those new or changed, and, in turn, those it had left articles out of
    because of a file read or gone (:meth:`searcher.store.Transaction.reread_left_out`)."""
    read = {p for p, entry in new.items() if p not in old or old[p][0] != entry[0]}
    frontier = read | (old.keys() - new.keys())
    while frontier:
        frontier = {p for p, entry in old.items() if entry[2] & frontier and p in new} - read
        read |= frontier
    return read


def count_as_one_index(
    report: UpdateReport,
    before: list[Files],
    after: list[Files],
    lost: list[tuple[str, str, str]],
    copies_in: Callable[[list[str]], list[tuple[int, str, str, str]]],
    built: list[Files] | None = None,
) -> UpdateReport:
    """``report`` counted as one index counts a run: a file read by any shard
    is read by one index, all its articles replaced (updated) or added; the
    copies it leaves out are listed; an article held from an earlier run that
    the step left out (``lost``: id, file, kept id) is removed, as one index
    removes an article a copy earlier in the corpus takes the place of; and
    the files left out because of its file (``built``: the shards' files
    after their builds) are read again, as one index reads them."""
    readers: dict[str, set[int]] = {}
    for number, entries in enumerate(after):
        for path in files_read(before[number] if before else {}, entries):
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
    partly = sorted(p for p, numbers in readers.items() if len(numbers) < len(after))
    if partly:
        shown = {d.path for d in listed}
        for owner, copy_id, path, of_id in copies_in(partly):
            where = f"{path} ({copy_id})"
            if owner not in readers[path] and where not in shown:
                listed.append(Skipped(where, f"duplicate of {of_id}"))
    # One index reads again the files left out because of a file whose
    # article a copy earlier in the corpus took the place of.
    taken = {path for _, path, _ in lost if path not in readers}
    again = _left_out_because(built or after, taken)
    if again:
        updated += sum(entries[p][1] for entries in after for p in again if p in entries)
        for _, copy_id, path, of_id in copies_in(sorted(again)):
            listed.append(Skipped(f"{path} ({copy_id})", f"duplicate of {of_id}"))
    removed = sum(1 for _, path, _ in lost if path not in readers)
    return replace(
        report,
        added=added,
        updated=updated,
        removed=report.removed + removed,
        duplicates=tuple(listed),
    )


def _left_out_because(shards: list[Files], paths: set[str]) -> set[str]:
    """The files any shard left articles out of because of ``paths``, and, in
    turn, because of those."""
    found: set[str] = set()
    frontier = paths
    while frontier:
        frontier = {
            p for entries in shards for p, entry in entries.items() if entry[2] & frontier
        } - found
        found |= frontier
    return found


def shard_stats(layout: Layout) -> IndexStats:
    """What the shards hold, as one index's stats (each opened as
    :meth:`searcher.Index.stats` opens it, its every source and label counted)."""
    from searcher.indexing.inspection import index_stats
    from searcher.opening import open_index

    parts = []
    for path in layout.shard_dirs():
        with open_index(path, mmap=False) as ix:
            parts.append(index_stats(ix.path, every_value=True))
    return combine_stats(parts)


def combine_stats(parts: list[IndexStats]) -> IndexStats:
    """The shards' stats (listing every source and label) as one index's, with
    each shard's article count."""
    # the indexing engine is loaded for stats only, never by a query process
    from searcher.indexing.inspection import TOP_LABELS, TOP_SOURCES, most_first

    sources: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    keywords: Counter[str] = Counter()
    for part in parts:
        sources.update(dict(part.sources))
        sections.update(dict(part.sections))
        keywords.update(dict(part.keywords))
    firsts = [p.first_date for p in parts if p.first_date]
    lasts = [p.last_date for p in parts if p.last_date]
    return IndexStats(
        articles=sum(p.articles for p in parts),
        files=max((p.files for p in parts), default=0),
        segments=sum(p.segments for p in parts),
        deleted=sum(p.deleted for p in parts),
        first_date=min(firsts) if firsts else None,
        last_date=max(lasts) if lasts else None,
        sources=most_first(sources, TOP_SOURCES),
        size_bytes=sum(p.size_bytes for p in parts),
        sections=most_first(sections, TOP_LABELS),
        keywords=most_first(keywords, TOP_LABELS),
        shards=tuple((shard_name(n), p.articles) for n, p in enumerate(parts)),
    )


def verify_shards(layout: Layout, *corpus: PathLike) -> VerifyReport:
    """Each shard verified (:func:`searcher.verify_index`), the problems named by shard."""
    from searcher.opening import verify_index

    reports = [verify_index(p, *corpus) for p in layout.shard_dirs()]
    problems = tuple(
        f"{shard_name(n)}: {problem}" for n, r in enumerate(reports) for problem in r.problems
    )
    notes = tuple(f"{shard_name(n)}: {note}" for n, r in enumerate(reports) for note in r.notes)
    advice = next((r.advice for r in reports if r.advice), "")
    return VerifyReport(
        articles=sum(r.articles for r in reports),
        manifest_articles=sum(r.manifest_articles for r in reports),
        files=max((r.files for r in reports), default=0),
        problems=problems,
        advice=advice,
        notes=notes,
    )
