"""Scoring a ranking against judgments: MAP, nDCG@10, P@10, R@100 and MRR.

The measures are computed by ``ir-measures`` (its ``pytrec_eval`` backend, the
C code of ``trec_eval``), so a figure here is the figure trec_eval prints for
the same run and qrels. :meth:`searcher.Index.evaluate` runs the queries and
calls :func:`evaluate`; ``benchmarks/ranking.py`` scores FTS5's runs with it too.

Judgments name documents by their own ids, which need not be searcher's article
ids (a file's path below the corpus folder, ``#key`` for a record of a file):
:func:`doc_name` takes, of an article id, the first of the id itself, its
``#key``, its file name and its file name without suffix that the judgments
name (``1440`` for ``cisi/1440.txt``).

Engine layer: imports :mod:`searcher.models` and :mod:`searcher.runfile`;
``ir_measures`` only inside :func:`evaluate`, so a query process never loads it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import PurePosixPath

from searcher.models import Evaluation, RunLine
from searcher.runfile import DEFAULT_TAG, run_lines

#: The measures reported, in order: (our name, ir-measures' name).
MEASURES = (
    ("MAP", "AP"),
    ("nDCG@10", "nDCG@10"),
    ("P@10", "P@10"),
    ("R@100", "R@100"),
    ("MRR", "RR"),
)


def doc_name(article_id: str, judged: Collection[str]) -> str:
    """The name the judgments give the article ``article_id``: the first of the id,
    its ``#key``, its file name and its file stem that is in ``judged``; else the id."""
    path, _, key = article_id.partition("#")
    name = PurePosixPath(path.replace("\\", "/")).name
    for candidate in (article_id, key, name, name.rpartition(".")[0] or name):
        if candidate and candidate in judged:
            return candidate
    return article_id


def evaluate(
    qrels: Mapping[str, Mapping[str, int]],
    rankings: Mapping[str, Sequence[tuple[str, float]]],
    *,
    tag: str = DEFAULT_TAG,
    notes: Sequence[str] = (),
) -> Evaluation:
    """Score ``rankings`` (query id -> ``(doc id, score)`` best first) against ``qrels``.

    Only queries in both are scored; a query with judgments and an empty ranking
    scores 0. Queries with no relevant judgment are left out (trec_eval cannot
    score them), and a note says how many.
    """
    import ir_measures  # heavy, and only this command needs it

    scored = sorted(
        (q for q in rankings if any(r > 0 for r in qrels.get(q, {}).values())), key=_natural
    )
    notes = list(notes)
    unjudged = [q for q in rankings if q not in scored]
    if unjudged:
        notes.append(
            f"{len(unjudged)} of {len(rankings)} queries have no relevant judgment and are "
            f"not scored: {', '.join(sorted(unjudged, key=_natural)[:10])}"
            + (" ..." if len(unjudged) > 10 else "")
        )
    run = tuple(line for q in scored for line in run_lines(q, rankings[q], tag))
    measures = [ir_measures.parse_measure(name) for _, name in MEASURES]
    qrel_list = [
        ir_measures.Qrel(q, doc, relevance) for q in scored for doc, relevance in qrels[q].items()
    ]
    docs = [ir_measures.ScoredDoc(line.query_id, line.doc_id, line.score) for line in run]
    values: dict[str, dict[object, float]] = {q: {} for q in scored}
    for metric in ir_measures.iter_calc(measures, qrel_list, docs):
        values[metric.query_id][metric.measure] = metric.value
    per_query = tuple(
        (q, tuple(values[q].get(measure, 0.0) for measure in measures)) for q in scored
    )
    means = tuple(
        (name, sum(v[i] for _, v in per_query) / len(per_query) if per_query else 0.0)
        for i, (name, _) in enumerate(MEASURES)
    )
    return Evaluation(len(scored), means, per_query, run, tuple(notes))


def _natural(query_id: str) -> tuple[int, str]:
    """Order query ids as numbers where they are numbers."""
    return (int(query_id), "") if query_id.isdigit() else (1 << 62, query_id)


__all__ = ["MEASURES", "RunLine", "doc_name", "evaluate"]
