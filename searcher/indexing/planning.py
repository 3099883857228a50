"""Planning a run: which corpus files are new or changed, which are unchanged
(or only touched), and which went, found by comparing the corpus with the
manifest. Also what ``verify`` compares.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from searcher import ingest
from searcher.models import Skipped
from searcher.store import FileEntry, file_hash


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(root) or path.startswith(str(root) + os.sep) for root in roots)


@dataclass
class RunPlan:
    """What a run must do, found by comparing the corpus with the manifest."""

    todo: list[tuple[ingest.CorpusFile, FileEntry]] = field(default_factory=list)
    touched: list[FileEntry] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def plan_run(found: ingest.Scan, known: dict[str, FileEntry], roots: list[Path]) -> RunPlan:
    plan = RunPlan()
    present = {str(f.path) for f in found.files}
    plan.vanished = [p for p in known if _under(p, roots) and p not in present]
    for corpus_file in found.files:
        path = str(corpus_file.path)
        old = known.get(path)
        try:
            stat = corpus_file.path.stat()
            if old and (old.size, old.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                plan.unchanged += 1
                continue
            digest = file_hash(corpus_file.path)
        except OSError as exc:
            plan.skipped.append(Skipped(path, f"cannot read the file ({exc.strerror or exc})"))
            continue
        entry = FileEntry(path, stat.st_size, stat.st_mtime_ns, digest, 0)
        if old and old.sha1 == digest:
            plan.unchanged += 1
            plan.touched.append(replace(entry, articles=old.articles))
            continue
        plan.todo.append((corpus_file, entry))
    return plan
