"""The parent's side of a run: committing each round, and which copy of an article is kept.

Of the articles that share an id or a story (same title, body and date: the
duplicate key), the index keeps the first in corpus order (the run's roots in
the order given, each one's files in :func:`searcher.ingest.scan` order, a
file's articles in order), but of a feed entry that successive feed files
repeat (the same ``feed:`` id), the last file's: later files update it. The
others are left out, each recorded in the
manifest's ``left_out`` table with the file that holds the kept one (and an
exact duplicate in ``duplicates``, with the kept one's id). Whatever
the order the files came in over the runs, the index holds what a run from
scratch over the same corpus would:

* a file that changes or goes has the files left out because of it read again
  in the same run (:meth:`~searcher.manifest.Transaction.reread_left_out`);
* an article that comes before an indexed one it clashes with takes its place:
  the indexed one is deleted and left out, and the files left out because of
  its file are read again (:meth:`~searcher.manifest.Transaction.take_over`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from searcher import store
from searcher.indexing.tasks import FileResult, TaskResult
from searcher.ingest import FEED_ID_PREFIX
from searcher.models import Skipped
from searcher.store import FileEntry, Manifest, Transaction


@dataclass
class Run:
    """The parent's state during one run.

    :param order: each corpus file's place in the corpus, by path.
    :param entries: the files being read, by path, as they are now.
    :param known: the manifest's entries before they were read.
    """

    index_dir: Path
    manifest: Manifest
    order: dict[str, int]
    entries: dict[str, FileEntry] = field(default_factory=dict)
    known: dict[str, FileEntry] = field(default_factory=dict)
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[Skipped] = field(default_factory=list)
    #: Records of the files read that are no article (web archives), by reason.
    passed_over: Counter[str] = field(default_factory=Counter)
    #: Whether the manifest may lag the index (it was not written with its last commit).
    lagging: bool = True
    #: Words whose stems this run has recorded (each worker meets the common ones).
    stemmed: set[str] = field(default_factory=set)

    def add_stems(self, result: TaskResult) -> None:
        """Record the stems a task met, as soon as it is done: the stem table only
        spares queries the stemmer, so it need not wait for the round's commit."""
        stems = [pair for pair in result.stems if pair[0] not in self.stemmed]
        result.stems = []  # recorded: the round's results need not hold them
        if stems:
            with self.manifest.transaction() as txn:
                txn.add_stems(stems)
            self.stemmed.update(word for word, _ in stems)

    def _keep(
        self, txn: Transaction, files: list[tuple[FileResult, Any]]
    ) -> tuple[dict[str, int], list[str]]:
        """Record the round's articles in the manifest, file by file in corpus
        order, leaving out (deleting from its segment) those whose id or story
        an earlier article holds, the round's own included, and taking over
        from indexed articles of later files; return how many articles each
        file keeps, and the ids of the indexed articles taken over. Looked up
        for the whole round at once: a query per article cost a cold Reuters
        run a fifth of a second."""
        owners: dict[str, str] = {}
        originals: dict[int, tuple[str, str]] = {}
        captured: dict[str, tuple[str, str, str]] = {}
        if txn.has_articles():
            arts = [a for f, _ in files for a in f.articles]
            owners = txn.owners(a[0] for a in arts)
            originals = txn.originals(a[2] for a in arts if a[2])
            captured = txn.captured(c[1] for f, _ in files for c in f.captures)
        rows = []
        capture_rows = []
        kept: dict[str, int] = {}
        taken: list[str] = []
        updated_by = _last_feed_files(files, self.order)
        latest = _latest_captures(files, self.order)
        for file_result, segment in files:
            path = file_result.path
            place = self.order[path]
            kept.setdefault(path, 0)  # (a file read in shares comes once a share)
            captures = {c[0]: c[1:] for c in file_result.captures}
            for article_id, docnum, key, source, date in file_result.articles:
                url, crawled = captures.get(article_id, ("", ""))
                later = updated_by.get(article_id)
                reason = f"updated by {later}"
                if url and latest[url] != (article_id, path):  # a later capture in the round
                    later_id, later = latest[url]
                    reason = f"earlier capture of {url} than {later_id}"
                if later is not None and later != path:  # a later file of the round has it
                    segment.delete_document(docnum)
                    self.duplicates.append(Skipped(f"{path} ({article_id})", reason))
                    txn.left_out(path, later)
                    continue
                # (id, file) of each article this one clashes with: why this
                # one is left out, or why that one is, whichever comes later.
                clashes: dict[tuple[str, str], tuple[str, str]] = {}
                if article_id in owners:
                    owner = owners[article_id]
                    clashes[article_id, owner] = (
                        (f"updated by {owner}", f"updated by {path}")
                        if article_id.startswith(FEED_ID_PREFIX)
                        else (f"id already indexed from {owner}", f"id already indexed from {path}")
                    )
                if key in originals:
                    first = originals[key]
                    reasons = (f"duplicate of {first[0]}", f"duplicate of {article_id}")
                    clashes.setdefault(first, reasons)
                holds = {c: self._holds(c, place, article_id) for c in clashes}
                if url in captured:  # a capture of the URL indexed from another file
                    held_id, held_path, held_crawled = captured[url]
                    clash = (held_id, held_path)
                    clashes.setdefault(clash, (
                        f"earlier capture of {url} than {held_id}",
                        f"earlier capture of {url} than {article_id}",
                    ))  # fmt: skip
                    held_at = (held_crawled, self.order.get(held_path, -1))
                    holds[clash] = holds.get(clash, False) or held_at >= (crawled, place)
                earlier = [c for c in clashes if holds[c]]
                if earlier:
                    segment.delete_document(docnum)
                    reason = clashes[earlier[0]][0]
                    self.duplicates.append(Skipped(f"{path} ({article_id})", reason))
                    txn.left_out(path, earlier[0][1])
                    if earlier[0] == originals.get(key) and earlier[0][0] != article_id:
                        txn.duplicate(article_id, path, earlier[0][0])
                    continue
                for clash, (_, reason) in clashes.items():
                    other_id, other_path = clash
                    # A later file's article: this one takes its place.
                    txn.take_over(other_id, other_path, path)
                    if clash == originals.get(key) and other_id != article_id:
                        txn.duplicate(other_id, other_path, article_id)
                    self.duplicates.append(Skipped(f"{other_path} ({other_id})", reason))
                    taken.append(other_id)
                    owners.pop(other_id, None)
                    for other_key in [k for k, v in originals.items() if v == clash]:
                        del originals[other_key]
                owners[article_id] = path
                if key:
                    originals[key] = (article_id, path)
                rows.append((article_id, path, key, source, date))
                if url:
                    capture_rows.append((url, article_id, path, crawled))
                kept[path] += 1
        txn.add_articles(rows)
        txn.add_captures(capture_rows)
        return kept, taken

    def _holds(self, clash: tuple[str, str], place: int, article_id: str) -> bool:
        """Whether the indexed article of ``clash`` (id, file) keeps its place
        against ``article_id`` of the file at ``place``: the first in corpus
        order does, but a feed entry is updated by a later file's (same id)."""
        holder = self.order.get(clash[1], -1)
        if clash[0] == article_id and article_id.startswith(FEED_ID_PREFIX):
            return holder == -1 or holder >= place
        return holder <= place

    def apply(self, results: list[TaskResult]) -> int:
        """Commit one round's finished tasks (their segments in one table of
        contents); return how many articles they added."""
        toc = store.read_toc(self.index_dir)
        order = self.order
        files = _whole_files(
            sorted(
                ((f, result.segment) for result in results for f in result.files),
                key=lambda pair: (order[pair[0].path], pair[0].piece),
            )
        )
        for result in results:
            self.skipped.extend(result.rejected)
        read = [f.path for f, _ in files if f.error is None]
        # A file new to the manifest has nothing in the index, unless the last
        # run died between an index commit and its manifest commit.
        replaced = read if self.lagging else [p for p in read if p in self.known]
        kept_total = 0
        with self.manifest.transaction() as txn:
            store.delete_by_path(self.index_dir, toc.schema, toc.segments, replaced)
            txn.forget(read)
            kept_by_file, taken = self._keep(txn, files)
            if taken:
                self.removed += store.delete_by_path(
                    self.index_dir, toc.schema, toc.segments, taken, fieldname="id"
                )
            recorded: set[str] = set()
            for file_result, _ in files:
                if file_result.path in recorded:
                    self.passed_over.update(dict(file_result.passed_over))
                    continue
                recorded.add(file_result.path)
                if file_result.error is not None:
                    self.skipped.append(Skipped(file_result.path, file_result.error))
                    continue
                self.passed_over.update(dict(file_result.passed_over))
                kept = kept_by_file[file_result.path]
                # Replaced articles are updated; those it did not have indexed
                # (a new file, or one read again as what left them out went) added.
                old = self.known.get(file_result.path)
                replaced_here = min(kept, old.articles) if old else 0
                self.updated += replaced_here
                self.added += kept - replaced_here
                kept_total += kept
                entry = self.entries[file_result.path]
                txn.put_files([replace(entry, articles=kept)])
            new = [result.segment for result in results if result.segment is not None]
            store.commit(self.index_dir, toc.schema, [*toc.segments, *new], toc.generation + 1)
            txn.set_generation(toc.generation + 1)
        return kept_total

    def remove(self, paths: list[str]) -> None:
        """Delete the articles of vanished files, and forget the files."""
        if not paths:
            return
        toc = store.read_toc(self.index_dir)
        with self.manifest.transaction() as txn:
            self.removed += store.delete_by_path(self.index_dir, toc.schema, toc.segments, paths)
            txn.forget(paths)
            store.commit(self.index_dir, toc.schema, toc.segments, toc.generation + 1)
            txn.set_generation(toc.generation + 1)


def _last_feed_files(files: list[tuple[FileResult, Any]], order: dict[str, int]) -> dict[str, str]:
    """The last file in corpus order, of a round's files, holding each feed entry."""
    last: dict[str, str] = {}
    for file_result, _ in files:
        for written in file_result.articles:
            entry = written[0]
            if entry.startswith(FEED_ID_PREFIX):
                held = last.get(entry)
                if held is None or order[file_result.path] > order[held]:
                    last[entry] = file_result.path
    return last


def _latest_captures(
    files: list[tuple[FileResult, Any]], order: dict[str, int]
) -> dict[str, tuple[str, str]]:
    """The latest capture (id, file) of each URL a round's files captured: by
    crawl date, then the later file in corpus order."""
    best: dict[str, tuple[str, int, str, str]] = {}
    for file_result, _ in files:
        place = order[file_result.path]
        for article_id, url, crawled in file_result.captures:
            if url not in best or (crawled, place) > best[url][:2]:
                best[url] = (crawled, place, article_id, file_result.path)
    return {url: (held[2], held[3]) for url, held in best.items()}


def _whole_files(files: list[tuple[FileResult, Any]]) -> list[tuple[FileResult, Any]]:
    """A file read in shares by several workers fails whole when one share
    failed: the other shares' articles are deleted from their segments, so the
    file is read again by the next run, all of it."""
    failed = {f.path: f.error for f, _ in files if f.error is not None}
    if not failed:
        return files
    whole = []
    for file_result, segment in files:
        error = failed.get(file_result.path)
        if error is not None and file_result.error is None:
            for written in file_result.articles:
                segment.delete_document(written[1])
            file_result = FileResult(file_result.path, error=error, piece=file_result.piece)
        whole.append((file_result, segment))
    return whole
