"""Exact duplicates across shards: random incremental runs against one index.

Usage: ``python benchmarks/duplicates_check.py [--seeds 16] [--runs 12] [--work DIR]``

For each seed, a folder of 8 JSON Lines files is rewritten or removed at random
(records drawing their text from 5 stories, so most are exact duplicates of
another, under ids of their file), 3 changes a run, a ``--rebuild`` now and then.
After every run, a 4-shard index and an unsharded index brought up to date by
the same runs are compared with each other and with an unsharded index built
from scratch: the articles they hold (must be equal), each hit's exact
duplicates left out (``duplicate_ids``, as sets; must be equal), and the run's
report (added, updated, removed: how many runs differ; and the duplicates
listed). Prints one line a seed and the totals; exits 1 when articles or copies differ.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import searcher


def _record(article_id: str, story: int) -> str:
    return json.dumps(
        {"id": article_id, "title": f"Record {story}", "body": f"Cocoa record {story}."}
    )


def _held(index: Path, corpus: Path, shards: int | None, rebuild: bool) -> tuple[Any, ...]:
    with searcher.open_index(index, create=True, shards=shards) as ix:
        report = ix.update(corpus, jobs=1, rebuild=rebuild)
        ids = sorted(a.id for a in ix.articles())
        found = ix.search("cocoa record", limit=500, collapse=False)
        copies = {hit.id: frozenset(hit.duplicate_ids) for hit in found.hits}
        return report, ids, copies


def _counts(report: Any) -> tuple[int, ...]:
    return report.added, report.updated, report.removed, report.articles


def _listed(report: Any) -> list[tuple[str, str]]:
    return sorted((d.path, d.reason) for d in report.duplicates)


def check(seed: int, runs: int, work: Path) -> tuple[int, int, int]:
    """Runs of one seed: (runs whose articles or copies differ, whose counts
    differ, whose counts or duplicates listed differ)."""
    base = work / f"seed-{seed}"
    shutil.rmtree(base, ignore_errors=True)
    corpus = base / "corpus"
    corpus.mkdir(parents=True)
    chance = random.Random(seed)
    wrong = counts = listed = 0
    for _ in range(runs):
        for _ in range(3):
            name = corpus / f"{chance.choice('abcdefgh')}.jsonl"
            if chance.random() < 0.25 and name.exists():
                name.unlink()
                continue
            records = [
                _record(f"{name.stem}{chance.randrange(6)}", chance.randrange(5))
                for _ in range(chance.randrange(1, 5))
            ]
            name.write_text("\n".join(records) + "\n")
        rebuild = chance.random() < 0.1
        sharded, sharded_ids, sharded_copies = _held(base / "shards", corpus, 4, rebuild)
        one, one_ids, one_copies = _held(base / "one", corpus, None, rebuild)
        shutil.rmtree(base / "scratch", ignore_errors=True)
        _, scratch_ids, _ = _held(base / "scratch", corpus, None, False)
        if not sharded_ids == one_ids == scratch_ids or sharded_copies != one_copies:
            wrong += 1
        if _counts(sharded) != _counts(one):
            counts += 1
        if _counts(sharded) != _counts(one) or _listed(sharded) != _listed(one):
            listed += 1
    return wrong, counts, listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--work", type=Path, help="folder for the corpora and indexes")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the records repeat ids on purpose
    work = args.work or Path(tempfile.mkdtemp(prefix="duplicates-check-"))
    totals = [0, 0, 0]
    for seed in range(1, args.seeds + 1):
        found = check(seed, args.runs, work)
        totals = [t + f for t, f in zip(totals, found, strict=True)]
        print(
            f"seed {seed}: {args.runs} runs, articles or copies differ in {found[0]}, "
            f"counts in {found[1]}, counts or duplicates listed in {found[2]}"
        )
    print(
        f"all: {args.seeds * args.runs} runs, articles or copies differ in {totals[0]}, "
        f"counts in {totals[1]}, counts or duplicates listed in {totals[2]}"
    )
    sys.exit(1 if totals[0] else 0)


if __name__ == "__main__":
    main()
