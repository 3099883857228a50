"""Pseudo-relevance feedback (RM3-like), run by the execute stage on the
field-weighted query (:func:`searcher.query.ranking.weigh_fields`).

For descriptive queries of at least :data:`PRF_MIN_TERMS` words, the best
:data:`PRF_DOCS` articles of a first pass vote for :data:`PRF_TERMS` words,
weighted by how often they occur there, how rare they are in the collection,
and how well each article scored. The words only add to the score of articles
the query already matches, so ``NOT``, ``AND``, phrases and field searches keep
their meaning, and snippets do not highlight them.

The constants were chosen on all four development collections (CISI, CRAN, MED,
TIME's odd queries) with ``benchmarks/ranking_sweep.py``; each choice tried, and
its change per collection, is in the README ("Ranking choices"). RM3 as Anserini
runs it (votes by score, no IDF factor, words in over 10% of the articles left
out: :data:`PRF_VOTES`, :data:`PRF_RARITY`, :data:`PRF_MAX_DF`) lost MAP on three
of the four, so these stay settings for that comparison.

Imports Whoosh's public query and searching modules, ``searcher.store`` (its
quiet matcher), and :mod:`~searcher.query.ranking` and
:mod:`~searcher.query.bulkscore`; ``searcher.analysis.fast`` only when an
article has no term vector.
"""

from __future__ import annotations

import heapq
import logging
import math
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.query.wrappers import WrappingQuery
from whoosh.searching import Searcher

from searcher.query import pruning
from searcher.query.bulkscore import BulkScorer
from searcher.query.ranking import SumOr, rsj_idf
from searcher.schema import indexed_body
from searcher.store.internals import QuietMatcher

LOGGER = logging.getLogger(__name__)

#: Pseudo-relevance feedback: queries with at least this many distinct words ...
PRF_MIN_TERMS = 3
#: ... are expanded from this many top articles of a first pass ...
PRF_DOCS = 10
#: ... with this many words (the query's own words included, so they are re-weighted;
#: 20 scored alike on TIME and cost ~20 ms more per query) ...
PRF_TERMS = 10
#: ... whose weights sum to this share of the query's own weight (1: the query
#: and its feedback weigh alike, as RM3's original query weight 0.5 makes them;
#: 0.5 was chosen on TIME alone, 1 gains MAP on each of the four dev collections).
PRF_WEIGHT = 1.0
#: How fast an article's vote fades with its score: ``exp(-PRF_SHARPNESS * (1 - s/top))``.
PRF_SHARPNESS = 5.0
#: Articles whose vote is below this are not read.
PRF_MIN_VOTE = 0.02
#: Only this many of the most frequent words of the top articles are considered.
PRF_CANDIDATES = 150
#: An article's vote: ``"exp"`` fades with its score as :data:`PRF_SHARPNESS` says;
#: ``"score"`` is its score over the best one's (RM3's ``P(q|d)``, as Anserini's).
PRF_VOTES = "exp"
#: Whether a word's weight is multiplied by its IDF (RM3 leaves it out).
PRF_RARITY = True
#: Words in more than this share of the articles are never chosen (Anserini: 0.1).
PRF_MAX_DF = 1.0


def expand(
    query: wq.Query, words: Sequence[str], searcher: Searcher, scorer: BulkScorer | None = None
) -> wq.Query:
    """Return ``query`` with feedback words added, ``query ANDMAYBE words``, when
    ``words`` (the query's own search words, :func:`searcher.query.ranking.query_words`)
    are at least :data:`PRF_MIN_TERMS`; else ``query`` itself.

    The expanded query matches the same articles as ``query``; only scores change.

    :param query: the field-weighted query.
    :param searcher: an open searcher of the index (for the first pass).
    :param scorer: scores the first pass when given (else Whoosh's collector does).
    """
    if PRF_DOCS < 1 or len(words) < PRF_MIN_TERMS:
        return query
    expansion = _feedback(query, searcher, words, scorer)
    if expansion is None:
        return query
    return wq.AndMaybe(query, expansion)


class Unhighlighted(WrappingQuery):  # type: ignore[misc]
    """Feedback words: they add to scores, but snippets do not highlight them,
    since the reader never typed them."""

    #: Read by :mod:`searcher.query.bulkscore`: the words count for no coordination bonus.
    quiet = True

    def leaves(self) -> Iterator[wq.Query]:
        return iter(())

    def normalize(self) -> wq.Query:
        return Unhighlighted(self.child.normalize())

    def matcher(self, searcher: Searcher, context: Any = None) -> Any:
        return QuietMatcher(self.child.matcher(searcher, context))


#: Per open searcher, the body term counts of the articles read last (at most
#: :data:`KEPT_COUNTS`): readers repeat and refine queries whose best articles recur.
_COUNTS: weakref.WeakKeyDictionary[Searcher, dict[int, Counter[str]]] = weakref.WeakKeyDictionary()
KEPT_COUNTS = 1_000


def _term_counts(searcher: Searcher, docnum: int) -> Counter[str]:
    """Body term frequencies of one article (headline included, as the body
    field indexes it), from memory or :func:`_read_counts`; not to be changed."""
    kept = _COUNTS.get(searcher)
    if kept is None:
        kept = _COUNTS[searcher] = {}
    counts = kept.get(docnum)
    if counts is None:
        if len(kept) >= KEPT_COUNTS:
            kept.clear()
        counts = kept[docnum] = _read_counts(searcher, docnum)
    return counts


def _read_counts(searcher: Searcher, docnum: int) -> Counter[str]:
    """Body term frequencies of one article: from its term vector, else re-analysed."""
    reader = searcher.reader()
    if reader.has_vector(docnum, "body"):
        return Counter(dict(reader.vector_as("weight", docnum, "body")))
    fast = _fast_body_analyzer(searcher)
    stored = searcher.stored_fields(docnum)
    body = indexed_body(stored.get("title", ""), stored.get("body", ""))  # as indexed
    counts = Counter(fast.terms(fast.tokens(body)))
    counts.pop("", None)  # words the filters drop
    return counts


_FAST: dict[int, Any] = {}


def _fast_body_analyzer(searcher: Searcher) -> Any:
    """The indexer's cached fast analyzer for the body field (same terms, a
    dict lookup per known word instead of the filter chain)."""
    analyzer = searcher.schema["body"].analyzer
    fast = _FAST.get(id(analyzer))
    if fast is None:
        from searcher.analysis.fast import FastAnalyzer  # the indexer's, loaded only here

        _FAST.clear()  # one schema at a time: ids of dead analyzers may be reused
        fast = _FAST[id(analyzer)] = (analyzer, FastAnalyzer(analyzer))
    return fast[1]


def _by_weight(item: tuple[str, float]) -> float:
    return item[1]


def weigh_by_rarity(
    candidates: list[tuple[str, float]], docs: int, frequency: Callable[[str], int]
) -> dict[str, float]:
    """Return ``weight * idf`` of the candidates (heaviest first) that may be among
    the best :data:`PRF_TERMS`: once even the rarest word could not make a
    lighter candidate beat the current last of the best, the rest are skipped
    (the choice is the same, with fewer document frequencies to look up)."""
    most = rsj_idf(docs, 0) if PRF_RARITY else 1.0
    scored: dict[str, float] = {}
    best: list[float] = []
    for term, weight in candidates:
        if len(best) == PRF_TERMS and weight * most < best[0]:
            break
        df = frequency(term)
        if df > PRF_MAX_DF * docs:
            continue
        score = scored[term] = weight * (rsj_idf(docs, df) if PRF_RARITY else 1.0)
        if len(best) < PRF_TERMS:
            heapq.heappush(best, score)
        elif score > best[0]:
            heapq.heapreplace(best, score)
    return scored


def _feedback(
    query: wq.Query, searcher: Searcher, words: Sequence[str], scorer: BulkScorer | None
) -> wq.Query | None:
    """Return the expansion words of ``query`` as a weighted ``Or``, or ``None``."""
    best = top_documents(query, searcher, scorer)
    if not best:
        return None
    frequency = scorer.doc_frequency if scorer is not None else searcher.doc_frequency
    chosen = choose_words(best, searcher.doc_count_all(), lambda term: frequency("body", term))
    return expansion(chosen, len(words))


#: The best articles of a first pass: each one's score and body term counts.
Voters = list[tuple[float, Counter[str]]]


def _first_pass(
    query: wq.Query, searcher: Searcher, scorer: BulkScorer | None
) -> list[tuple[float, int]]:
    """The best :data:`PRF_DOCS` ``(score, docnum)`` of ``query``, best first."""
    if scorer is not None:
        return pruning.top(scorer, query, PRF_DOCS, keep=True)
    # Block-quality skipping costs more than it saves on a query this long.
    results = searcher.search(query, limit=PRF_DOCS, optimize=False)
    return [(hit.score, hit.docnum) for hit in results]


def top_documents(query: wq.Query, searcher: Searcher, scorer: BulkScorer | None) -> Voters:
    """The best :data:`PRF_DOCS` articles for ``query`` whose vote counts,
    with their body term counts (equal scores in order of their ids)."""
    best = _first_pass(query, searcher, scorer)
    if not best or best[0][0] <= 0:
        return []
    voters = []
    for score, docnum in best:
        if _vote(score, best[0][0]) < PRF_MIN_VOTE:
            break
        voters.append((float(score), _term_counts(searcher, docnum)))
    return voters


#: One shard's best articles of a first pass: score, body term counts and id.
ShardVoters = list[tuple[float, Counter[str], str]]


def shard_voters(query: wq.Query, searcher: Searcher, scorer: BulkScorer | None) -> ShardVoters:
    """The best :data:`PRF_DOCS` articles for ``query`` of one shard of
    several, each of them (a shard cannot tell the best score of all), with
    their body term counts and ids, so that :func:`best_voters` picks the
    best of all shards as one index picks them."""
    best = _first_pass(query, searcher, scorer)
    if not best or best[0][0] <= 0:
        return []
    return [
        (float(score), _term_counts(searcher, docnum), str(searcher.stored_fields(docnum)["id"]))
        for score, docnum in best
    ]


def best_voters(voters: Iterable[tuple[float, Counter[str], str]]) -> Voters:
    """The best :data:`PRF_DOCS` of the shards' voters (:func:`shard_voters`),
    in one index's order: by score, equal scores by id."""
    best = heapq.nsmallest(PRF_DOCS, voters, key=_best_first)
    return [(score, counts) for score, counts, _ in best]


def _best_first(voter: tuple[float, Counter[str], str]) -> tuple[float, str]:
    return -voter[0], voter[2]


def _vote(score: float, top: float) -> float:
    return math.exp(-PRF_SHARPNESS * (1 - score / top)) if PRF_VOTES == "exp" else score / top


def candidate_words(best: Voters) -> list[tuple[str, float]]:
    """The :data:`PRF_CANDIDATES` words the articles ``best`` (best first)
    vote for most, with their votes, heaviest first."""
    top = best[0][0]
    weights: defaultdict[str, float] = defaultdict(float)
    for score, counts in best:
        vote = _vote(score, top)
        if vote < PRF_MIN_VOTE:
            break
        length = sum(counts.values()) or 1
        for term, count in counts.items():
            weights[term] += vote * count / length
    return heapq.nlargest(PRF_CANDIDATES, weights.items(), key=_by_weight)


def choose_words(
    best: Voters, docs: int, frequency: Callable[[str], int]
) -> list[tuple[str, float]]:
    """The :data:`PRF_TERMS` feedback words of the articles ``best`` (best
    first), weighted by their votes and rarity among ``docs`` articles."""
    scored = weigh_by_rarity(candidate_words(best), docs, frequency)
    return heapq.nlargest(PRF_TERMS, sorted(scored.items()), key=_by_weight)


def expansion(chosen: Sequence[tuple[str, float]], words: int) -> wq.Query | None:
    """The feedback words ``chosen`` as a weighted ``Or`` whose weights sum to
    :data:`PRF_WEIGHT` of a query of ``words`` words, or ``None``."""
    total = sum(weight for _, weight in chosen)
    if total <= 0:
        return None
    scale = PRF_WEIGHT * words / total
    LOGGER.debug("feedback words: %s", ", ".join(term for term, _ in chosen))
    terms = [wq.Term("body", term, boost=scale * weight) for term, weight in chosen]
    return Unhighlighted(SumOr(terms))


def expand_with(
    query: wq.Query, words: Sequence[str], chosen: Sequence[tuple[str, float]]
) -> wq.Query:
    """:func:`expand` with feedback words already chosen (by a sharded index,
    from the best articles of all its shards)."""
    if PRF_DOCS < 1 or len(words) < PRF_MIN_TERMS:
        return query
    found = expansion(chosen, len(words))
    return query if found is None else wq.AndMaybe(query, found)
