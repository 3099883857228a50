"""Reading a query: what ``searcher.query.parse`` makes of the text typed."""

from __future__ import annotations

import pytest

import searcher


@pytest.mark.parametrize("text", ["oil +the price", "oil AND +the", "+the oil", "+oil +the"])
def test_a_required_stop_word_is_dropped_not_the_whole_query(
    built_index: searcher.Index, text: str
) -> None:
    """``+the`` cannot be required (stop words are not indexed): the other words
    are searched, as they are without it, and the note says why it was left out."""
    without = " ".join(w for w in text.split() if w.lstrip("+") not in ("the", "AND"))
    found = built_index.search(text)
    expected = built_index.search(without.replace("+", ""))
    assert found.total > 0
    assert [h.id for h in found.hits] == [h.id for h in expected.hits]
    assert "Not searched for: the (a stop word, not indexed)." in found.notes


def test_only_required_stop_words_is_still_nothing_to_search_for(
    built_index: searcher.Index,
) -> None:
    with pytest.raises(searcher.QueryError, match=r"Nothing to search for in '\+the'"):
        built_index.search("+the")
