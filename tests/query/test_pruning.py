"""Pruned top-k scoring gives exactly the exhaustive top k: the same articles,
in the same order, with the same scores (ties by docnum), on random indexes
and queries."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

import searcher
from searcher import store
from searcher.errors import QueryError
from searcher.query import bounds, bulkscore, feedback, open_searcher, pruning
from searcher.query.parse import parse
from searcher.query.plan import make_plan
from searcher.store import postings, termwriter

#: A small vocabulary, common words first, so that words share articles, some
#: are rare (a high bound) and some common, and scores tie.
WORDS = (
    "oil price grain wheat soviet export bank rate dollar yen gold cocoa "
    "sugar copper zinc tin rice corn barley coffee"
).split()

#: Common words drawn more often than rare ones.
_common_first = st.integers(0, len(WORDS) - 1).flatmap(
    lambda top: st.sampled_from(WORDS[: top + 1])
)
_article = st.tuples(
    st.lists(_common_first, min_size=0, max_size=4),  # headline
    st.lists(_common_first, min_size=1, max_size=30),  # body
)
#: Articles added in batches (each a segment), some re-added (deleted, then added again).
_batches = st.lists(
    st.lists(st.tuples(st.integers(0, 80), _article), min_size=1, max_size=40),
    min_size=1,
    max_size=3,
)


@st.composite
def _queries(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7))
    form = draw(st.sampled_from(["words", "or", "not", "title", "and", "phrase"]))
    if form == "or" and len(words) > 1:
        return " OR ".join(words)
    if form == "not" and len(words) > 1:
        return " ".join(words[:-1]) + " NOT " + words[-1]
    if form == "title":
        return f"title:{words[0]} " + " ".join(words[1:])
    if form == "and" and len(words) > 1:
        return " AND ".join(words[:2]) + " " + " ".join(words[2:])
    if form == "phrase" and len(words) > 1:
        return f'"{words[0]} {words[1]}" ' + " ".join(words[2:])
    return " ".join(words)


def _build(folder: Path, batches: list[list[tuple[int, tuple[list[str], list[str]]]]]) -> None:
    with searcher.open_index(folder, create=True) as ix:
        for batch in batches:
            ix.add(
                searcher.Article(
                    id=f"a{key}", path=f"a{key}.txt", title=" ".join(title), body=" ".join(body)
                )
                for key, (title, body) in batch
            )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    batches=_batches,
    queries=st.lists(_queries(), min_size=1, max_size=4),
    limit=st.integers(1, 8),
    allowed_seed=st.one_of(st.none(), st.integers(0, 2**16)),
    block=st.sampled_from([5, termwriter.BLOCK_POSTINGS]),
)
def test_pruned_top_equals_exhaustive_top(
    batches: list[list[tuple[int, tuple[list[str], list[str]]]]],
    queries: list[str],
    limit: int,
    allowed_seed: int | None,
    block: int,
) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        # Posting blocks of 5: lists of many blocks, read whole into arrays.
        patch.setattr(termwriter, "BLOCK_POSTINGS", block)
        _build(Path(folder), batches)
        with open_searcher(store.open_existing(Path(folder))) as s:
            allowed = None
            if allowed_seed is not None:
                allowed = {d for d in range(s.doc_count_all()) if (d * 7919 + allowed_seed) % 3}
            for text in queries:
                try:
                    plan = make_plan(parse(text, s), s)
                except QueryError:
                    continue
                ranked = feedback.expand(
                    plan.ranked, plan.feedback_words, s, bulkscore.BulkScorer(s)
                )
                for query in (plan.ranked, ranked):
                    postings.forget(s)  # lists read afresh
                    pruned = pruning.top(bulkscore.BulkScorer(s), query, limit, allowed, prune=True)
                    exhaustive = pruning.top(
                        bulkscore.BulkScorer(s), query, limit, allowed, prune=False
                    )
                    assert pruned == exhaustive, (text, limit)
                # As a search runs feedback: a first pass keeps its partial
                # scores, which the query with feedback words starts from.
                scorer = bulkscore.BulkScorer(s)
                pruning.top(scorer, plan.ranked, feedback.PRF_DOCS, prune=True, keep=True)
                pruned = pruning.top(scorer, ranked, limit, allowed, prune=True)
                assert pruned == exhaustive, (text, limit, "kept")


def test_a_sum_of_terms_is_pruned_and_a_phrase_is_not(built_index: searcher.Index) -> None:
    with open_searcher(store.open_existing(built_index.path)) as s:
        scorer = bulkscore.BulkScorer(s)
        plan = make_plan(parse("legal immunity troops", s), s)
        assert pruning.prunable(plan.ranked, scorer)
        assert pruning.prunable(wq.AndMaybe(plan.ranked, plan.ranked), scorer)
        phrase = make_plan(parse('"legal immunity"', s), s)
        assert not pruning.prunable(phrase.ranked, scorer)
        best = pruning.top(scorer, plan.ranked, 3)
        assert best == pruning.top(bulkscore.BulkScorer(s), plan.ranked, 3, prune=False)
        assert len(best) == 3
        assert [score for score, _ in best] == sorted((score for score, _ in best), reverse=True)


def test_pruning_is_chosen_where_it_pays(
    built_index: searcher.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_searcher(store.open_existing(built_index.path)) as s:
        scorer = bulkscore.BulkScorer(s)
        leaves = bounds.sum_shape(make_plan(parse("legal immunity troops", s), s).ranked, scorer)
        assert leaves is not None
        assert not pruning.pays(scorer, leaves)  # a few postings: scored exhaustively
        monkeypatch.setattr(pruning, "PRUNE_FROM_POSTINGS", 0)
        assert pruning.pays(scorer, leaves)
