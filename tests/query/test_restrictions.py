"""Restrictions and the honest messages about them (searcher/query/restrictions.py):
which filter emptied a result, the values that exist, browsing without words."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from whoosh import query as wq

import searcher
from searcher.query.restrictions import Emptied, Restriction, emptied_note
from tests.conftest import CORPUS, SEED_ID


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[searcher.Index]:
    with searcher.open_index(tmp_path_factory.mktemp("filters") / "index", create=True) as index:
        index.update(CORPUS)
        # A word the stem cache lacks loads the stemmer once per process (seconds
        # on a loaded machine): load it here, not inside a query's time budget.
        searcher.analyze_text("systems")
        yield index


def test_a_filter_that_empties_the_result_is_named_with_a_did_you_mean(
    ix: searcher.Index,
) -> None:
    """`searcher query oil --source reuter` said "No articles match 'oil'" when some did."""
    results = ix.search("oil", filters={"source": "reuter"})
    assert results.total == 0
    [note] = results.notes
    assert note.startswith(
        "1 article matches the words without the filters, but none has source 'reuter' "
        "(did you mean 'Reuters'?); source values include: "
    )
    assert "Reuters" in note.split("include: ")[1] and note.endswith(".")
    clause = ix.search("troops source:reuter")
    assert clause.notes[0].startswith(
        "2 articles match the words without the filters, but none has source:reuter "
        "(did you mean 'Reuters'?)"
    )


def test_sections_and_dates_are_named_too(ix: searcher.Index) -> None:
    [note] = ix.search("troops", filters={"section": "wolrd"}).notes
    assert note.startswith(
        "2 articles match the words without the filters, but none has "
        "section 'wolrd' (did you mean 'world'?); section values include: "
    )
    assert ix.search("troops", since="2030").notes == (
        "2 articles match the words without the filters, but none has a date in the range "
        "asked for (since/until).",
    )


def test_no_note_when_the_words_find_nothing(ix: searcher.Index) -> None:
    assert ix.search("zzyzx", filters={"source": "reuter"}).notes == ()


def test_filters_without_words_list_articles_newest_first(ix: searcher.Index) -> None:
    """`--since 1987-03-02` with no words was "Empty query"."""
    results = ix.search("", since="2011-10-01")
    dates = [h.date for h in results.hits]
    assert results.total == len(dates) > 1 and dates == sorted(dates, reverse=True)
    oldest = ix.search("", since="2011-10-01", sort="oldest")
    assert [h.date for h in oldest.hits] == sorted(dates)
    assert (
        ix.search("", filters={"source": "reuter"})
        .notes[0]
        .startswith("No article has source 'reuter' (did you mean 'Reuters'?)")
    )
    with pytest.raises(searcher.QueryError, match="Empty query; give words to search for"):
        ix.search("  ")


def test_only_negative_words_say_so(ix: searcher.Index) -> None:
    """`-immunity` alone got a stop-word message."""
    with pytest.raises(searcher.QueryError, match=r"The query '-immunity' only excludes words"):
        ix.search("-immunity")
    results = ix.search("-immunity", filters={"source": "AFP"})
    assert SEED_ID not in [h.id for h in results.hits] and results.total >= 1
    assert results.notes == (
        "The query only excludes words (-immunity): these are the articles without them "
        "that pass the filters.",
    )


def test_all_words_mode_requires_every_word(ix: searcher.Index) -> None:
    """ "Tony Blair" matched every Tony and every Blair; match="all" needs both."""
    any_word = ix.search("legal troops")
    every = ix.search("legal troops", match="all")
    assert every.total < any_word.total and every.hits[0].id == SEED_ID
    assert " AND " in every.parsed
    with pytest.raises(ValueError, match="match must be 'any' or 'all'"):
        ix.search("troops", match="some")


def test_words_not_searched_for_are_named_with_why(ix: searcher.Index) -> None:
    assert ix.search("coffee AND (brazil OR colombia)").notes == ()
    assert ix.search("AT&T troops").notes == (
        "Not searched for: at (in AT&T) (a stop word, not indexed).",
        'AT&T is searched as "t".',
    )
    assert ix.search("titel:coffee").notes == (
        "'titel' (character 1) is not a field, so 'titel:' was searched as a word; fields "
        "are title, body, byline, source, section; did you mean title:?",
    )
    assert ix.search("the troops of 😀").notes == (
        "Not searched for: the, of (stop words, not indexed); '😀' (a symbol, not indexed).",
    )


def test_what_emptied_a_result_adds_up_over_shards() -> None:
    parts = [
        Emptied(2, (0, 1), {"source": {"Reuters": 2, "AFP": 1}}),
        Emptied(1, (0, 0), {"source": {"Reuters": 1, "AP": 4}, "byline": {"Tom": 1}}),
    ]
    total = Emptied.total(parts)
    assert total == Emptied(
        3, (0, 1), {"source": {"Reuters": 3, "AFP": 1, "AP": 4}, "byline": {"Tom": 1}}
    )
    source = Restriction("source 'reuter'", wq.Term("source", "reuter"), "source", "reuter")
    byline = Restriction("byline 'tom'", wq.Term("byline", "tom"), "byline", "tom")
    assert emptied_note(total, [source, byline], words=True) == (
        "3 articles match the words without the filters, but none has source 'reuter' "
        "(did you mean 'Reuters'?); source values include: AP, Reuters, AFP."
    )
    assert emptied_note(replace(total, without=0), [source, byline], words=True) is None


def test_a_value_that_exists_but_not_with_the_words_is_not_suggested_for_itself(
    ix: searcher.Index,
) -> None:
    found = ix.search("prices", filters={"source": "ap", "byline": "alvarez"})
    assert found.total == 0
    (note,) = found.notes
    assert "byline 'alvarez';" in note and "did you mean 'alvarez'" not in note
    assert "source 'ap'; " in note  # AP is a source, with other articles
