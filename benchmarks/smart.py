"""The ranking development collections: CISI, CRAN, MED (``../shared/data/smart-dev``)
and TIME's odd queries (``../shared/data/smart-time``), read into one shape.

Benchmark code, not library code; nothing from the data is copied into this
repository. Each folder's ``PROVENANCE.md`` describes the formats and quirks
followed here:

- documents are ``.I n`` records with ``.T`` (title) and ``.W`` (text); other
  sections (``.A``, ``.B``, ``.X``, ``.K``, ``.C``) are left out, and a marker seen
  a second time in a record keeps its text in the current section (CRAN 240, 576, 578);
- CRAN's judgments number queries by position in ``cran.qry``, and code -1 is
  not relevant; codes 1-4 are all relevant (binary relevance, as trec_eval counts
  ``> 0``);
- MED has no titles: the first sentence (up to the first ``.``) is the first line;
- TIME documents are numbered by position (see ``time_collection.py``), and only
  its odd queries are judged here; the even ones are held out.

A document is saved as ``<id>.txt``: the title on the first line, a blank line,
then the text, which is how searcher's plain-text reader takes a headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import time_collection as tc

DATA = tc.REPO.parent / "shared" / "data"
DEV = DATA / "smart-dev"


@dataclass(frozen=True)
class Collection:
    """Documents (id -> (title, text)), queries (id -> text) and binary judgments
    (query id -> relevant document ids) of one test collection."""

    name: str
    docs: dict[str, tuple[str, str]]
    queries: dict[str, str]
    qrels: dict[str, frozenset[str]]

    def write(self, folder: Path) -> None:
        """Save each document as ``folder/<id>.txt`` (empty documents are saved too)."""
        folder.mkdir(parents=True, exist_ok=True)
        for doc_id, (title, text) in self.docs.items():
            content = f"{title}\n\n{text}\n" if title else f"{text}\n"
            (folder / f"{doc_id}.txt").write_text(content, encoding="utf-8")

    @property
    def judged_queries(self) -> dict[str, str]:
        """The queries that have at least one relevant document."""
        return {q: text for q, text in self.queries.items() if self.qrels.get(q)}


def _records(path: Path) -> list[tuple[str, dict[str, str]]]:
    """``.I`` records of a SMART file: (id, {section letter: text}); a section seen
    again in the same record keeps its text in the section before it."""
    records: list[tuple[str, dict[str, list[str]]]] = []
    current = ""
    for line in path.read_text(encoding="latin-1").splitlines():
        marker = re.match(r"^\.([A-Z])\b\s*(.*)$", line)
        if marker and marker.group(1) == "I":
            records.append((marker.group(2).strip(), {}))
            current = ""
            continue
        if marker and records and marker.group(1) not in records[-1][1]:
            current = marker.group(1)
            records[-1][1][current] = [marker.group(2)] if marker.group(2).strip() else []
            continue
        if records and current:
            records[-1][1][current].append(line)
    return [
        (number, {k: " ".join(" ".join(v).split()) for k, v in sections.items()})
        for number, sections in records
    ]


def _docs(path: Path) -> dict[str, tuple[str, str]]:
    return {str(int(n)): (s.get("T", ""), s.get("W", "")) for n, s in _records(path)}


def _queries(path: Path) -> dict[str, str]:
    return {str(int(n)): s.get("W", "") for n, s in _records(path)}


def _qrels(lines: list[tuple[str, str, int]]) -> dict[str, frozenset[str]]:
    judged: dict[str, set[str]] = {}
    for query, doc, relevance in lines:
        if relevance > 0:
            judged.setdefault(query, set()).add(doc)
    return {q: frozenset(docs) for q, docs in judged.items()}


def cisi() -> Collection:
    folder = DEV / "CISI"
    lines = [line.split() for line in (folder / "CISI.REL").read_text().splitlines()]
    qrels = _qrels([(f[0], f[1], 1) for f in lines if f])
    return Collection("CISI", _docs(folder / "CISI.ALL"), _queries(folder / "CISI.QRY"), qrels)


def cran() -> Collection:
    folder = DEV / "CRAN"
    by_position = {str(i): text for i, text in enumerate(_queries(folder / "cran.qry").values(), 1)}
    lines = [line.split() for line in (folder / "cranqrel").read_text().splitlines()]
    qrels = _qrels([(f[0], f[1], int(f[2])) for f in lines if f])
    return Collection("CRAN", _docs(folder / "cran.all.1400"), by_position, qrels)


def med() -> Collection:
    folder = DEV / "MED"
    docs = {}
    for doc_id, (_, text) in _docs(folder / "MED.ALL").items():
        first, dot, rest = text.partition(" .")
        docs[doc_id] = (first.strip() + dot, rest.strip()) if dot else ("", text)
    lines = [line.split() for line in (folder / "MED.REL").read_text().splitlines()]
    qrels = _qrels([(f[0], f[2], int(f[3])) for f in lines if f])
    return Collection("MED", docs, _queries(folder / "MED.QRY"), qrels)


def time_odd() -> Collection:
    """TIME, odd queries, judged by ``TIME.REL``; saved as ``time_collection``'s
    "lines" layout (the first line, which the reader takes for a headline, then the rest)."""
    docs = {str(d.ordinal): (d.lines[0], "\n\n".join(d.lines[1:])) for d in tc.read_documents()}
    queries = {str(n): q for n, q in tc.read_queries().items() if n % 2 == 1}
    qrels = {
        str(q): frozenset(str(d) for d in rel)
        for q, rel in tc.read_qrels(tc.QRELS_FILES["TIME.REL"]).items()
        if q % 2 == 1
    }
    return Collection("TIME-odd", docs, queries, qrels)


LOADERS = {"CISI": cisi, "CRAN": cran, "MED": med, "TIME-odd": time_odd}
