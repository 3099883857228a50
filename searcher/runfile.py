"""TREC files: run lines written, judgments (qrels) and queries read.

The formats ``trec_eval`` and ``ir-measures`` use, so a ranking can be scored
against a reader's own judgments (``searcher eval``) and a query's hits written
as a run (``searcher query --format trec``):

- a **run line** is ``query_id Q0 doc_id rank score tag``, one per hit, ranks from 1;
- a **qrels line** is ``query_id iteration doc_id relevance`` (relevance > 0 is
  relevant, as in ``trec_eval``);
- **queries** are a TSV file of ``query_id<TAB>text`` lines, or TREC topics
  (``<top> <num> Number: 401 <title> ... </top>``, the ``<title>`` is the query,
  else the ``<desc>``).

Floor layer: the standard library, :mod:`searcher.errors` and
:mod:`searcher.models` only. A file that cannot be read raises
:class:`~searcher.errors.IngestError` naming the file, the line and what is expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from searcher.errors import IngestError
from searcher.models import RunLine

__all__ = ["DEFAULT_TAG", "RunLine", "read_qrels", "read_queries", "read_run", "run_lines"]

#: The run tag written when the caller names none.
DEFAULT_TAG = "searcher"


def run_lines(
    query_id: str, ranked: Iterable[tuple[str, float]], tag: str = DEFAULT_TAG
) -> Iterator[RunLine]:
    """The run lines of one query's ranking, ``(doc_id, score)`` best first.

    Scores are made strictly decreasing (a tie or a sort by date, where every
    score is 0, would let ``trec_eval`` reorder the documents by id), keeping the
    order given.

    >>> [str(line) for line in run_lines("7", [("a.txt", 2.5), ("b.txt", 2.5)])]
    ['7 Q0 a.txt 1 2.500000 searcher', '7 Q0 b.txt 2 2.499999 searcher']
    """
    _check_token("query id", query_id)
    _check_token("run tag", tag)
    previous = math.inf
    for rank, (doc_id, score) in enumerate(ranked, 1):
        _check_token("document id", doc_id)
        score = min(round(score, 6), round(previous - 1e-6, 6))
        previous = score
        yield RunLine(query_id, doc_id, rank, score, tag)


def _check_token(what: str, value: str) -> None:
    if not value or any(c.isspace() for c in value):
        raise ValueError(f"a TREC {what} must be one word without spaces, not {value!r}")


def read_run(path: Path) -> dict[str, list[RunLine]]:
    """Read a TREC run file: query id -> its lines in rank order."""
    runs: dict[str, list[RunLine]] = {}
    for number, fields in _lines(path):
        if len(fields) != 6:
            raise _bad(path, number, "a run line is `query_id Q0 doc_id rank score tag`")
        try:
            line = RunLine(fields[0], fields[2], int(fields[3]), float(fields[4]), fields[5])
        except ValueError:
            raise _bad(path, number, "rank must be a whole number and score a number") from None
        runs.setdefault(line.query_id, []).append(line)
    for lines in runs.values():
        lines.sort(key=lambda line: line.rank)
    return runs


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Read TREC judgments: query id -> {document id: relevance}.

    Lines are ``query_id iteration doc_id relevance``; the iteration is ignored.
    """
    qrels: dict[str, dict[str, int]] = {}
    for number, fields in _lines(path):
        if len(fields) != 4:
            raise _bad(path, number, "a qrels line is `query_id iteration doc_id relevance`")
        try:
            relevance = int(fields[3])
        except ValueError:
            raise _bad(path, number, "the relevance (4th column) must be a whole number") from None
        qrels.setdefault(fields[0], {})[fields[2]] = relevance
    if not qrels:
        raise IngestError(path, "holds no judgments; expected `query_id 0 doc_id relevance` lines")
    return qrels


_TOPIC = re.compile(r"<top>(.*?)(?:</top>|(?=<top>)|\Z)", re.S | re.I)
_TAG = re.compile(r"<(num|title|desc|narr)>", re.I)


def read_queries(path: Path) -> dict[str, str]:
    """Read queries: query id -> text, from TSV (``id<TAB>text``) or TREC topics."""
    text = _text(path)
    queries = _topics(path, text) if "<top>" in text.lower() else _tsv(path, text)
    if not queries:
        raise IngestError(path, "holds no queries; expected `id<TAB>text` lines or TREC topics")
    return queries


def _tsv(path: Path, text: str) -> dict[str, str]:
    queries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        query_id, tab, query = line.partition("\t")
        if not tab or not query_id.strip() or not query.strip():
            raise _bad(path, number, "a query line is `id<TAB>text` (or give TREC topics)")
        queries[query_id.strip()] = query.strip()
    return queries


def _topics(path: Path, text: str) -> dict[str, str]:
    queries: dict[str, str] = {}
    for block in _TOPIC.findall(text):
        parts = _TAG.split(block)
        fields = {
            name.lower(): " ".join(value.split())
            for name, value in zip(parts[1::2], parts[2::2], strict=True)
        }
        number = re.sub(r"^(?:number\s*:\s*)", "", fields.get("num", ""), flags=re.I).strip()
        title = re.sub(r"^topic\s*:\s*", "", fields.get("title", ""), flags=re.I)
        desc = re.sub(r"^description\s*:\s*", "", fields.get("desc", ""), flags=re.I)
        query = title.strip() or desc.strip()
        if not number or not query:
            raise IngestError(path, "a TREC topic needs a <num> and a <title> or <desc>")
        queries[number.split()[0]] = query
    return queries


def _text(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    for number, line in enumerate(_text(path).splitlines(), 1):
        fields = line.split()
        if fields and not fields[0].startswith("#"):
            yield number, fields


def _bad(path: Path, number: int, expected: str) -> IngestError:
    return IngestError(path, f"line {number} cannot be read: {expected}")
