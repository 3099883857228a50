"""Scoring term by term gives Whoosh's scores, for every kind of query we run."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh.searching import Searcher

import searcher
from searcher.query import apply_exclusions, bulkscore, feedback, make_parser, ranking
from searcher.query.fuzzy import expand_fuzzy
from searcher.query.restrictions import split_restrictions
from searcher.store import postings
from tests.conftest import shared_data, whoosh_index

QUERIES = [
    "troops",
    "legal immunity",
    "U.S. troops iraq",  # three words: feedback terms too
    '"sticking point"',
    '"talks stall"~3',
    "troops NOT panetta",
    "troops AND iraq",
    "troops AND NOT panetta",
    "troop*",
    "imunity~",
    "title:talks OR byline:luce",
    "cocoa OR coffee AND brazil",
    "zzzunknownword",
    "NOT troops",
]


def _whoosh_scores(s: Searcher, query: wq.Query) -> dict[int, float]:
    """Whoosh's own matchers, walked document by document (never replaced, so a
    coordination bonus counts its terms as at the start of each segment)."""
    found = {}
    context = s.context(needs_current=True)
    for sub, offset in s.leaf_searchers():
        matcher = query.matcher(sub, context)
        while matcher.is_active():
            found[matcher.id() + offset] = matcher.score()
            matcher.next()
    return found


def _ranked(s: Searcher, text: str) -> wq.Query:
    parsed, _ = split_restrictions(apply_exclusions(make_parser(s).parse(text)))
    asked = expand_fuzzy(parsed, s)
    return feedback.expand(ranking.weigh_fields(asked), ranking.query_words(asked), s)


def _assert_same_scores(ix: searcher.Index, texts: list[str]) -> None:
    with whoosh_index(ix).searcher(weighting=ranking.make_weighting()) as s:
        for text in texts:
            query = _ranked(s, text)
            expected = _whoosh_scores(s, query)
            got = bulkscore.BulkScorer(s).scores(query)
            assert got.keys() == expected.keys(), text
            for docnum, score in expected.items():
                assert got[docnum] == pytest.approx(score, rel=1e-9, abs=1e-12), text
            assert bulkscore.BulkScorer(s).matching(query) == expected.keys()
            for limit in (1, 3, 30):
                best = bulkscore.BulkScorer(s).top(query, limit)
                assert [score for score, _ in best] == pytest.approx(
                    sorted(expected.values(), reverse=True)[:limit], rel=1e-9
                ), text
                for score, docnum in best:
                    assert score == pytest.approx(expected[docnum], rel=1e-9)


def test_same_scores_as_whoosh(built_index: searcher.Index) -> None:
    _assert_same_scores(built_index, QUERIES)


def test_same_scores_across_segments_with_deletions(built_index: searcher.Index) -> None:
    """A replaced article leaves a deleted document in the first segment."""
    article = built_index.get(built_index.search("troops").hits[0].id)
    built_index.add([article])
    with whoosh_index(built_index).searcher() as s:
        assert len(s.leaf_searchers()) > 1
        assert s.reader().has_deletions()
    _assert_same_scores(built_index, QUERIES)


def test_same_scores_on_news_archive(tmp_path: Path) -> None:
    business = shared_data("bbc-news", "bbc", "business")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(business, jobs=2)
        _assert_same_scores(
            ix,
            [
                "oil prices",
                "interest rates",
                '"money supply"',
                '"oil prices"~3',
                '"the chief executive said"',
                "oil NOT opec",
                "bank AND rates",
                "oil*",
                "profti~",
                "trade deficit japan",
                "earnings per share",
            ],
        )


def test_top_orders_by_score_then_docnum(built_index: searcher.Index) -> None:
    with whoosh_index(built_index).searcher(weighting=ranking.make_weighting()) as s:
        query = _ranked(s, "troops OR cocoa OR prices OR immunity")
        scorer = bulkscore.BulkScorer(s)
        scores = scorer.scores(query)
        assert len(scores) >= 3
        expected = sorted(((score, d) for d, score in scores.items()), key=lambda p: (-p[0], p[1]))
        assert scorer.top(query, 2) == expected[:2]
        allowed = {d for _, d in expected[1:]}
        assert scorer.top(query, 10, allowed) == expected[1:]
        assert scorer.top(query, 10, set()) == []


def test_search_ranks_as_whoosh_does(
    built_index: searcher.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        "troops",
        "legal immunity",
        "U.S. troops iraq",
        "troops NOT panetta",
        '"sticking point"',
    ]
    fast = [built_index.search(text, collapse=False) for text in texts]
    monkeypatch.setattr(bulkscore, "supported", lambda searcher: False)
    slow = [built_index.search(text, collapse=False) for text in texts]
    for ours, theirs in zip(fast, slow, strict=True):
        assert ours.total == theirs.total
        assert [h.id for h in ours.hits] == [h.id for h in theirs.hits]
        assert [h.score for h in ours.hits] == pytest.approx([h.score for h in theirs.hits])
        assert [h.snippets for h in ours.hits] == [h.snippets for h in theirs.hits]


def test_scorer_needs_bm25f(built_index: searcher.Index) -> None:
    with whoosh_index(built_index).searcher() as s:  # Whoosh's default weighting is BM25F
        assert bulkscore.supported(s)
    from whoosh import scoring

    with whoosh_index(built_index).searcher(weighting=scoring.TF_IDF()) as s:
        assert not bulkscore.supported(s)
        with pytest.raises(ValueError, match="BM25F"):
            bulkscore.BulkScorer(s)


def test_term_docs_are_the_live_postings(built_index: searcher.Index) -> None:
    article = built_index.get(built_index.search("troops").hits[0].id)
    built_index.add([article])  # a deleted copy in the first segment
    with whoosh_index(built_index).searcher() as s:
        reader = s.reader()
        assert reader.has_deletions()
        for field in ("body", "title", "day", "source"):
            for text in list(reader.field_terms(field))[:40]:
                expected = set(s.docs_for_query(wq.Term(field, text)))
                assert postings.term_docs(s, field, text) == expected, (field, text)
        assert postings.term_docs(s, "body", "zzznotaword") == set()


def test_filters_are_remembered_per_searcher(built_index: searcher.Index) -> None:
    calls: list[int] = []

    def find() -> set[int]:
        calls.append(1)
        return {1, 2}

    with whoosh_index(built_index).searcher() as s:
        kept = postings.remembered_filter(s, wq.Term("source", "afp"), find)
        kept.add(99)  # the caller's copy
        assert postings.remembered_filter(s, wq.Term("source", "afp"), find) == {1, 2}
        assert len(calls) == 1
        for n in range(postings.CACHED_FILTERS):
            postings.remembered_filter(s, wq.Term("source", f"s{n}"), find)
        postings.remembered_filter(s, wq.Term("source", "afp"), find)
        assert len(calls) == 2 + postings.CACHED_FILTERS  # the oldest was let go
    with whoosh_index(built_index).searcher() as s:
        postings.remembered_filter(s, wq.Term("source", "afp"), find)
        assert len(calls) == 3 + postings.CACHED_FILTERS  # another searcher: read again


def test_date_restrictions_match_after_an_update(built_index: searcher.Index) -> None:
    before = built_index.search("troops", since="2011").total
    article = built_index.get(built_index.search("troops").hits[0].id)
    built_index.add([article])
    assert built_index.search("troops", since="2011").total == before


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_as_whoosh_sorts(
    built_index: searcher.Index, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    texts = ["troops OR cocoa OR prices OR immunity OR note OR bridge", "troops"]
    fast = [built_index.search(text, sort=sort, collapse=False, limit=50) for text in texts]
    fast.append(built_index.search(texts[0], sort=sort, since="2011-10", collapse=False))
    monkeypatch.setattr(bulkscore, "supported", lambda searcher: False)
    slow = [built_index.search(text, sort=sort, collapse=False, limit=50) for text in texts]
    slow.append(built_index.search(texts[0], sort=sort, since="2011-10", collapse=False))
    assert any(hit.date is None for hit in fast[0].hits)  # undated articles too
    for ours, theirs in zip(fast, slow, strict=True):
        assert ours.total == theirs.total
        assert [h.id for h in ours.hits] == [h.id for h in theirs.hits]
