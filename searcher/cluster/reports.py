"""The reports of a sharded index's shards as one index's: what an update
did, what the index holds, what ``verify`` found, each shard named.

Imports the facade's opener (for ``verify``), ``searcher.models`` and the layout.
"""

from __future__ import annotations

from collections import Counter

from searcher.cluster.layout import Layout, shard_name
from searcher.index import PathLike
from searcher.models import IndexStats, UpdateReport, VerifyReport


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


def combine_stats(parts: list[IndexStats]) -> IndexStats:
    """The shards' stats as one index's, with each shard's article count."""
    sources: Counter[str] = Counter()
    for part in parts:
        sources.update(dict(part.sources))
    firsts = [p.first_date for p in parts if p.first_date]
    lasts = [p.last_date for p in parts if p.last_date]
    top = max(len(p.sources) for p in parts)
    return IndexStats(
        articles=sum(p.articles for p in parts),
        files=max((p.files for p in parts), default=0),
        segments=sum(p.segments for p in parts),
        deleted=sum(p.deleted for p in parts),
        first_date=min(firsts) if firsts else None,
        last_date=max(lasts) if lasts else None,
        sources=tuple(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))[:top]),
        size_bytes=sum(p.size_bytes for p in parts),
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
