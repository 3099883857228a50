"""Search behaviour on the sample corpus: the golden relevance checks."""

from __future__ import annotations

from datetime import datetime

import pytest

import searcher
from tests.conftest import SEED_ID


@pytest.mark.parametrize(
    "text",
    ["legal immunity", "U.S. troops", "US troops", "panetta", '"sticking point"', "byline:luce"],
)
def test_seed_article_first(built_index: searcher.Index, text: str) -> None:
    results = built_index.search(text)
    assert results.hits[0].id == SEED_ID


def test_first_hit_fields(built_index: searcher.Index) -> None:
    hit = built_index.search("legal immunity").hits[0]
    assert hit.rank == 1
    assert hit.title == "US-Iraq talks hit snag over immunity for troops"
    assert (hit.byline, hit.source, hit.date) == ("Dan De Luce, AFP", "AFP", datetime(2011, 10, 17))


def test_snippet_highlights_both_words(built_index: searcher.Index) -> None:
    hit = built_index.search("legal immunity").hits[0]
    assert 1 <= len(hit.snippets) <= 3
    first = hit.snippets[0]
    assert [s.text for s in first if s.matched] == ["legal", "immunity"]
    assert "".join(s.text for s in first).startswith("The question of legal immunity")


def test_highlight_spans_cover_the_original_word(built_index: searcher.Index) -> None:
    hit = built_index.search("U.S. troops").hits[0]
    matched = {s.text for snippet in hit.snippets for s in snippet if s.matched}
    assert matched <= {"US", "troops", "U.S."}
    assert "troops" in matched


def test_more_matching_words_rank_higher(built_index: searcher.Index) -> None:
    hits = built_index.search("cocoa harvest prices").hits
    assert hits[0].title == "Cocoa prices climb as West African harvest falters"
    assert len(hits) > 1, "not every word is required"


def test_accent_folding_finds_sao_paulo(built_index: searcher.Index) -> None:
    [hit] = built_index.search("Sao Paulo").hits
    assert hit.title.startswith("São Paulo transit strike")


def test_not_excludes(built_index: searcher.Index) -> None:
    ids = [h.id for h in built_index.search("troops NOT panetta").hits]
    assert SEED_ID not in ids
    assert ids


def test_phrase_must_be_adjacent(built_index: searcher.Index) -> None:
    assert built_index.search('"immunity sticking"').hits == ()


def test_limit_and_total(built_index: searcher.Index) -> None:
    results = built_index.search("troops", limit=1)
    assert len(results) == 1
    assert results.total >= 2


def test_empty_query_is_an_error(built_index: searcher.Index) -> None:
    with pytest.raises(searcher.QueryError, match="Empty query"):
        built_index.search("   ")


def test_limit_must_be_positive(built_index: searcher.Index) -> None:
    with pytest.raises(ValueError, match="limit"):
        built_index.search("troops", limit=0)


def test_a_phrase_in_the_lead_is_a_phrase_of_the_title_or_body(
    built_index: searcher.Index,
) -> None:
    # lead keeps no positions (schema.REPEATED_FIELDS): its phrases are read in
    # the title and body, within articles whose lead holds every word.
    assert [h.id for h in built_index.search('lead:"legal immunity"').hits] == [SEED_ID]
    assert built_index.search('lead:"immunity sticking"').hits == ()
    assert built_index.search('lead:"legal immunity" -troops').hits == ()
