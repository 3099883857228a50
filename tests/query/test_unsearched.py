"""Which words a search does not search for, and why (searcher/query/unsearched.py)."""

from __future__ import annotations

import pytest
from whoosh.index import FileIndex

import searcher
from searcher import query
from searcher.query.unsearched import dropped_words
from tests.conftest import whoosh_index


@pytest.fixture
def ix(built_index: searcher.Index) -> FileIndex:
    return whoosh_index(built_index)


def test_notes_name_the_words_the_parser_drops(ix: FileIndex) -> None:
    analyzer = ix.schema["body"].analyzer
    assert dropped_words(["legal", "immunity"], analyzer) == ()
    assert dropped_words(["the", "troops", "😀", "of", "The"], analyzer) == (
        "Not searched for: the, of (stop words, not indexed); '😀' (a symbol, not indexed).",
    )
    assert dropped_words(["AT&T"], analyzer) == (
        "Not searched for: at (in AT&T) (a stop word, not indexed).",
        'AT&T is searched as "t".',
    )
    for dated in ("date:[2011-10-01 TO 2011-10-31]", 'date:>="2011-10-17 14:30"', "date:2011"):
        assert query.search(ix, f"troops {dated}").notes == ()
    assert query.search(ix, 'the troops 😀 "of the" AND of').notes == (
        "Not searched for: the, of (stop words, not indexed); '😀' (a symbol, not indexed).",
    )
    assert query.search(ix, "to troops date:[2011 to 2012]").notes == (
        "Not searched for: to (a stop word, not indexed).",
    )
