"""What an index holds (``stats``), and whether corpus, manifest and index agree (``verify``)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from searcher import ingest, store
from searcher.errors import IndexCorruptError, ManifestError, SearcherError
from searcher.indexing.planning import plan_run
from searcher.models import IndexStats, VerifyReport
from searcher.schema import count_facet_keys
from searcher.store import Manifest, checksums

LOGGER = logging.getLogger(__name__)

#: How many sources ``stats`` lists.
TOP_SOURCES = 5
#: How many sections and keywords ``stats`` lists.
TOP_LABELS = 10
#: What repairs a damaged index.
REBUILD = "searcher index --rebuild CORPUS"


def _date(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def folder_size(folder: Path) -> int:
    """Return the bytes of the files in ``folder`` (not below it)."""
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def index_stats(index_dir: Path, *, every_value: bool = False) -> IndexStats:
    """Return what the index in ``index_dir`` holds; dates and sources come from
    the manifest, sections and keywords from the index.

    :param every_value: list every source, section and keyword, not only the
        :data:`TOP_SOURCES` and :data:`TOP_LABELS` with the most articles (the
        shards of a sharded index, whose counts are added up).

    Every segment file is read and checked whole, as :func:`verify` does, so
    that the two agree on a damaged index (Reuters: about 40 ms).

    :raises IndexCorruptError: the table of contents cannot be read, or a
        segment file is missing or damaged.
    :raises ManifestError: the manifest cannot be read.
    """
    try:
        toc = store.read_toc(index_dir)
    except Exception as exc:
        raise IndexCorruptError(index_dir, f"{type(exc).__name__}: {exc}") from exc
    checksums.check(index_dir, toc.segments)
    files, first, last, sources = Manifest(index_dir).summary(None if every_value else TOP_SOURCES)
    labels = _label_counts(index_dir, toc)
    top = None if every_value else TOP_LABELS
    return IndexStats(
        articles=sum(s.doc_count() for s in toc.segments),
        files=files,
        segments=len(toc.segments),
        deleted=sum(s.deleted_count() for s in toc.segments),
        first_date=_date(first),
        last_date=_date(last),
        sources=tuple(sources),
        size_bytes=folder_size(index_dir),
        sections=most_first(labels["section"], top),
        keywords=most_first(labels["keywords"], top),
    )


def _label_counts(index_dir: Path, toc: Any) -> dict[str, Counter[str]]:
    """Live articles by section and by keyword, from the ``facet_keys`` column
    (Reuters: about 60 ms)."""
    counts: dict[str, Counter[str]] = {"section": Counter(), "keywords": Counter()}
    for segment in toc.segments:
        with store.segment_reader(index_dir, toc.schema, segment) as reader:
            count_facet_keys(reader, reader.all_doc_ids(), counts)
    return counts


def most_first(counts: Counter[str], top: int | None) -> tuple[tuple[str, int], ...]:
    """The ``top`` values with the most articles (``None``: all), most first, then by name."""
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top])


def _index_ids(index_dir: Path, toc: Any) -> Counter[str]:
    """Read every live document's stored id: this touches every segment's files."""
    ids: Counter[str] = Counter()
    for segment in toc.segments:
        ids.update(
            fields["id"] for fields in store.live_stored_fields(index_dir, toc.schema, segment)
        )
        with store.segment_reader(index_dir, toc.schema, segment) as reader:
            for _ in reader.all_terms():
                pass  # reads the whole term table, every field's
    return ids


def verify(index_dir: Path, corpus: list[Path] | None = None) -> VerifyReport:
    """Check that the index opens, that every segment file matches its checksum
    and every document reads, that the index and the manifest hold the same
    articles once each, and (given ``corpus``) that the corpus holds nothing
    new, changed or removed.

    Never raises for a damaged index or manifest: the damage is a problem in the report.
    """
    problems: list[str] = []
    rebuild = resume = False
    try:
        store.open_existing(index_dir).close()
        toc = store.read_toc(index_dir)
        damaged = checksums.problems(index_dir, toc.segments, full=True)
        if damaged:
            found = tuple(str(IndexCorruptError(index_dir, p)) for p in damaged)
            return VerifyReport(0, 0, 0, found, REBUILD)
        ids = _index_ids(index_dir, toc)
    except SearcherError as exc:
        return VerifyReport(0, 0, 0, (str(exc),), REBUILD)
    except Exception as exc:  # struct.error, UnpicklingError, zlib.error...: damage
        message = str(IndexCorruptError(index_dir, f"{type(exc).__name__}: {exc}"))
        return VerifyReport(0, 0, 0, (message,), REBUILD)
    notes = _checksum_notes(toc.segments)
    manifest = Manifest(index_dir)
    try:
        with manifest.transaction() as txn:
            recorded = {row[0] for row in txn.con.execute("select id from articles")}
        known = manifest.entries()
    except ManifestError as exc:
        return VerifyReport(sum(ids.values()), 0, 0, (str(exc),), REBUILD, notes)
    doubled = [i for i, n in ids.items() if n > 1]
    if doubled:
        problems.append(f"{len(doubled)} article ids are indexed more than once, e.g. {doubled[0]}")
        rebuild = True
    unrecorded = ids.keys() - recorded
    if unrecorded:
        problems.append(
            f"{len(unrecorded)} indexed articles are not in the manifest (a run was interrupted)"
        )
        resume = True
    missing = recorded - ids.keys()
    if missing:
        example = sorted(missing)[0]
        problems.append(f"{len(missing)} articles in the manifest are not indexed, e.g. {example}")
        rebuild = True
    if corpus:
        roots = [root.resolve() for root in corpus]
        plan = plan_run(ingest.scan(roots), known, roots)
        if plan.todo or plan.vanished:
            problems.append(
                f"the corpus has {len(plan.todo)} new or changed files and "
                f"{len(plan.vanished)} removed ones"
            )
            resume = True
    advice = REBUILD if rebuild else "searcher index CORPUS" if resume else ""
    return VerifyReport(
        sum(ids.values()), len(recorded), len(known), tuple(problems), advice, notes
    )


def _checksum_notes(segment_list: list[Any]) -> tuple[str, ...]:
    """Say how many segments have no checksum to check (written before searcher recorded them)."""
    missing, total = checksums.unrecorded(segment_list)
    if not missing:
        return ()
    return (
        f"{missing} of {total} segments have no recorded checksums (written before "
        "searcher recorded them): their files are read, not checked bit for bit; "
        f"`{REBUILD}` records them.",
    )
