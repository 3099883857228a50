"""Our snippet cutter gives exactly Whoosh's snippets, faster."""

from __future__ import annotations

import pytest
from whoosh import highlight

import searcher
from searcher.query import apply_exclusions, make_parser
from searcher.query.snippets import (
    SNIPPET_CHARS,
    BodyHighlighter,
    SegmentFormatter,
    query_words,
)
from tests.conftest import whoosh_index


@pytest.mark.parametrize(
    "text",
    [
        "legal immunity",
        "U.S. troops",
        "troops",
        '"sticking point"',
        "cocoa harvest prices",
        "Sao Paulo",
    ],
)
def test_same_snippets_as_whoosh(built_index: searcher.Index, text: str) -> None:
    with whoosh_index(built_index).searcher() as s:
        results = s.search(apply_exclusions(make_parser(s).parse(text)), limit=10)
        results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        results.formatter = SegmentFormatter()
        cutter = BodyHighlighter(
            s.schema,
            query_words(results),
            fragmenter=results.fragmenter,
            formatter=results.formatter,
        )
        hits = list(iter(results))
        assert hits
        for hit in hits:
            assert cutter(hit) == list(hit.highlights("body", top=3))


def test_words_that_cannot_match_are_not_stemmed(built_index: searcher.Index) -> None:
    with whoosh_index(built_index).searcher() as s:
        results = s.search(make_parser(s).parse("troops"), limit=1)
        cutter = BodyHighlighter(
            s.schema,
            query_words(results),
            fragmenter=highlight.ContextFragmenter(),
            formatter=SegmentFormatter(),
        )
        texts = [t.text for t in cutter.analyzer("Troops talked with officials")]
        assert texts == ["troop", "talked", "officials"]
