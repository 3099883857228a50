"""Indexing throughput: searcher against SQLite FTS5 (and tantivy) on the same stories.

Usage: ``python benchmarks/indexing.py [--jobs N] [--only reuters|bbc]``

For each corpus under ``../shared/data`` (Reuters-21578, BBC News): index it from
scratch with ``searcher index`` in a subprocess (cold start to committed index,
imports included), then again over the unchanged corpus; then index the very
same articles (as searcher read them) into FTS5, and tantivy when installed,
in this process. Peers are timed twice, before and after us, so a noisy
machine shows in their spread. Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
CORPORA = {"reuters": DATA / "reuters21578", "bbc": DATA / "bbc-news" / "bbc"}


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _load(root: Path) -> list[dict[str, str]]:
    """Every article searcher reads from ``root``, as plain fields for the peers."""
    from searcher.ingest import read_file, scan

    docs = []
    for corpus_file in scan([root]).files:
        for article in read_file(corpus_file.path, corpus_file.doc_id):
            date = article.date.isoformat() if article.date else ""
            docs.append(
                {"id": article.id, "title": article.title, "date": date, "body": article.body}
            )
    return docs


def fts5(docs: list[dict[str, str]], folder: Path) -> dict[str, float]:
    """Index ``docs`` as ``../shared/tools/peers.py`` does: porter stemming, one commit."""
    path = folder / "fts.db"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute(
        "create virtual table a using fts5(id unindexed, title, date unindexed, body,"
        " tokenize='porter unicode61')"
    )
    started = time.perf_counter()
    con.executemany(
        "insert into a values (?,?,?,?)",
        [(d["id"], d["title"], d["date"], d["body"]) for d in docs],
    )
    con.commit()
    seconds = time.perf_counter() - started
    con.close()
    return {
        "seconds": seconds,
        "docs_per_s": len(docs) / seconds,
        "index_mb": path.stat().st_size / 1e6,
    }


def tantivy(docs: list[dict[str, str]], folder: Path) -> dict[str, float] | None:
    try:
        import tantivy as tv  # type: ignore[import-not-found]
    except ImportError:
        return None
    builder = tv.SchemaBuilder()
    for name in ("id", "date"):
        builder.add_text_field(name, stored=True)
    for name in ("title", "body"):
        builder.add_text_field(name, stored=True, tokenizer_name="en_stem")
    target = folder / "tantivy"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    index = tv.Index(builder.build(), path=str(target))
    started = time.perf_counter()
    writer = index.writer()
    for doc in docs:
        writer.add_document(tv.Document(**doc))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "docs_per_s": len(docs) / seconds, "index_mb": _size(target) / 1e6}


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def searcher_run(root: Path, index_dir: Path, jobs: int | None) -> dict[str, float]:
    """Run ``searcher index`` as a user would; return wall seconds and peak RSS."""
    command = [sys.executable, "-m", "searcher", "--index", str(index_dir), "index", str(root)]
    if jobs:
        command += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))  # parent and workers together
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    stats = subprocess.run(
        [sys.executable, "-m", "searcher", "--index", str(index_dir), "stats", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    articles = json.loads(stats.stdout)["articles"] if stats.returncode == 0 else -1
    return {
        "seconds": seconds,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        # The largest single process (parent or one worker), in MB.
        "peak_rss_mb_largest_process": after.ru_maxrss / 1024,
        # Parent and workers summed, sampled every 50 ms.
        "peak_rss_mb_all_processes": peak / 1024,
        "articles": articles,
        "index_mb": _size(index_dir) / 1e6,
        "summary": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "",
    }


def bench(name: str, root: Path, jobs: int | None, work: Path) -> None:
    docs = _load(root)
    report = {"corpus": name, "articles": len(docs), "jobs": jobs or os.cpu_count()}
    print(json.dumps(report), flush=True)
    peers_before = {"fts5": fts5(docs, work)}
    index_dir = work / f"ix-{name}"
    shutil.rmtree(index_dir, ignore_errors=True)
    cold = searcher_run(root, index_dir, jobs)
    cold["docs_per_s"] = len(docs) / cold["seconds"]
    rerun = searcher_run(root, index_dir, jobs)
    peers_after = {"fts5": fts5(docs, work)}
    tv = tantivy(docs, work)
    for engine, result in (
        ("fts5 (before)", peers_before["fts5"]),
        ("searcher cold", cold),
        ("searcher re-run", rerun),
        ("fts5 (after)", peers_after["fts5"]),
        ("tantivy", tv),
    ):
        if result is not None:
            print(json.dumps({"corpus": name, "engine": engine, **_rounded(result)}), flush=True)
    best_fts5 = max(peers_before["fts5"]["docs_per_s"], peers_after["fts5"]["docs_per_s"])
    print(
        json.dumps({"corpus": name, "searcher_vs_fts5": round(cold["docs_per_s"] / best_fts5, 3)})
    )


def fsync_cost(name: str, root: Path, jobs: int | None, work: Path) -> None:
    """Index ``root`` in this process, timing every fsync the engine makes (workers
    included: they are forked with the timing wrapper), then once with fsync off."""
    import searcher
    from searcher.store import generations

    log = work / "fsync.log"
    real = generations.fsync_path

    def timed(path: Path, *, directory: bool = False) -> None:
        started = time.perf_counter()
        real(path, directory=directory)
        with log.open("a") as handle:
            handle.write(f"{time.perf_counter() - started}\n")

    results = {}
    for durable in (True, False):
        log.unlink(missing_ok=True)
        index_dir = work / f"ix-fsync-{durable}"
        shutil.rmtree(index_dir, ignore_errors=True)
        generations.fsync_path, generations.DURABLE = timed, durable  # type: ignore[assignment]
        started = time.perf_counter()
        with searcher.open_index(index_dir, create=True) as ix:
            ix.update(root, jobs=jobs)
        results[durable] = time.perf_counter() - started
        generations.fsync_path, generations.DURABLE = real, True  # type: ignore[assignment]
        if durable:
            times = [float(x) for x in log.read_text().split()]
            fsyncs, fsync_s = len(times), sum(times)
    print(
        json.dumps(
            {
                "corpus": name,
                "fsync_calls": fsyncs,
                "fsync_total_s": round(fsync_s, 3),
                "run_s_durable": round(results[True], 2),
                "run_s_without_fsync": round(results[False], 2),
            }
        ),
        flush=True,
    )


def _rounded(result: dict[str, object]) -> dict[str, object]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--only", choices=sorted(CORPORA), default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        for name, root in CORPORA.items():
            if args.only and name != args.only:
                continue
            if not root.exists():
                print(json.dumps({"corpus": name, "skipped": f"{root} is absent"}))
                continue
            bench(name, root, args.jobs, Path(tmp))
            fsync_cost(name, root, args.jobs, Path(tmp))


if __name__ == "__main__":
    main()
