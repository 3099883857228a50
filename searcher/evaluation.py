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

Engine layer: imports :mod:`searcher.errors`, :mod:`searcher.models`,
:mod:`searcher.runfile` and :mod:`searcher.analysis` (to load the stemmer);
``ir_measures`` only inside :func:`evaluate`, so a query process never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import PurePosixPath

from searcher.analysis import load_stemmer
from searcher.errors import QueryError
from searcher.models import Evaluation, RunLine, SearchResults
from searcher.runfile import DEFAULT_TAG, run_lines

#: The measures reported, in order: (our name, ir-measures' name).
MEASURES = (
    ("MAP", "AP"),
    ("nDCG@10", "nDCG@10"),
    ("P@10", "P@10"),
    ("R@100", "R@100"),
    ("MRR", "RR"),
)


def doc_name(article_id: str, judged: Collection[str], form: int | None = None) -> str:
    """The name the judgments give the article ``article_id``: the first of the id,
    its ``#key``, its file name and its file stem that is in ``judged``; else
    the same form as most judged articles were named by (``form``, an index of
    :func:`_forms`), so a run names every article alike; else the id."""
    forms = _forms(article_id)
    for candidate in forms:
        if candidate and candidate in judged:
            return candidate
    return (forms[form] or article_id) if form is not None else article_id


def _forms(article_id: str) -> tuple[str, str, str, str]:
    path, _, key = article_id.partition("#")
    name = PurePosixPath(path.replace("\\", "/")).name
    return (article_id, key, name, name.rpartition(".")[0] or name)


def _usual_form(article_ids: Collection[str], judged: Collection[str]) -> int | None:
    """The form (of :func:`_forms`) that names the most of ``article_ids`` judged."""
    counts = [0, 0, 0, 0]
    for article_id in article_ids:
        for i, candidate in enumerate(_forms(article_id)):
            if candidate and candidate in judged:
                counts[i] += 1
                break
    best = max(range(4), key=lambda i: counts[i])
    return best if counts[best] else None


def run_queries(
    search: Callable[[str], SearchResults],
    queries: Mapping[str, str],
    qrels: Mapping[str, Mapping[str, int]],
    *,
    tag: str = DEFAULT_TAG,
) -> Evaluation:
    """Run each judged query through ``search`` and score the rankings
    (:meth:`searcher.Index.evaluate`), the stemmer loaded first. An exact
    duplicate left out of the index (``duplicate_ids``) ranks right after its
    indexed copy; a query that cannot be run scores 0, and a note says why."""
    judged = {doc for docs in qrels.values() for doc in docs}
    # The stemmer's import (seconds on a loaded machine) is not the first
    # query's to pay: its time budget would stop it, and it would score 0.
    load_stemmer()
    rankings: dict[str, list[tuple[str, float]]] = {}
    notes: list[str] = []
    for query_id, text in queries.items():
        if query_id not in qrels:
            continue
        try:
            hits = search(text).hits
        except QueryError as exc:
            notes.append(f"query {query_id} scores 0: {exc}")
            hits = ()
        rankings[query_id] = [
            (article_id, hit.score) for hit in hits for article_id in (hit.id, *hit.duplicate_ids)
        ]
    form = _usual_form({a for ranked in rankings.values() for a, _ in ranked}, judged)
    rankings = {
        q: [(doc_name(a, judged, form), score) for a, score in ranked]
        for q, ranked in rankings.items()
    }
    left = sum(1 for query_id in queries if query_id not in qrels)
    if left:
        notes.insert(0, f"{left} of {len(queries)} queries have no judgments and are not run")
    return evaluate(qrels, rankings, tag=tag, notes=notes)


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


__all__ = ["MEASURES", "RunLine", "doc_name", "evaluate", "run_queries"]
