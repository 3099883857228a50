"""'Did you mean' from unstemmed words, and word~ fuzzy terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli
from searcher.query.lexicon import WORDS_FIELD, near_words
from tests.conftest import SEED_ID, shared_data, whoosh_index


def test_misspelled_query_suggests_the_words(built_index: searcher.Index) -> None:
    results = built_index.search("legl imunity")
    assert results.total == 0
    assert results.suggestion == "legal immunity"


def test_suggestion_keeps_the_query_syntax(built_index: searcher.Index) -> None:
    assert built_index.search('"legl imunity" byline:luce').suggestion == (
        '"legal immunity" byline:luce'
    )


@pytest.mark.parametrize("text", ["legal immunity", "immunity", "zzzzqx", "troop"])
def test_no_suggestion_when_nothing_better(built_index: searcher.Index, text: str) -> None:
    # "troop" is spelled right and "troops" has the same stem: no suggestion.
    assert built_index.search(text).suggestion is None


def test_suggestion_respects_filters(built_index: searcher.Index) -> None:
    # Respelled, the query still finds nothing from 1999: no suggestion.
    assert built_index.search("legl imunity", until="1999").suggestion is None


def test_cli_prints_did_you_mean(runner: CliRunner, built_index: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "legl imunity"], catch_exceptions=False)
    assert result.exit_code == 1  # no hits
    assert "Did you mean: legal immunity?" in result.stderr
    assert "No articles match 'legl imunity'." in result.stderr


@pytest.mark.parametrize("text", ["immunty~", "imunity~1", "imunty~2", "title:imunity~"])
def test_fuzzy_terms_match_through_stemming(built_index: searcher.Index, text: str) -> None:
    results = built_index.search(text)
    assert SEED_ID in [hit.id for hit in results]


def test_fuzzy_hits_are_highlighted(built_index: searcher.Index) -> None:
    hit = built_index.search("immunty~").hits[0]
    matched = {s.text.lower() for snippet in hit.snippets for s in snippet if s.matched}
    assert "immunity" in matched


def test_fuzzy_without_neighbours_finds_nothing(built_index: searcher.Index) -> None:
    assert built_index.search("zzzzqx~").hits == ()


def _assert_near_words_as_whoosh(ix: searcher.Index, words: list[str]) -> None:
    with whoosh_index(ix).searcher() as s:
        reader = s.reader()
        for word in words:
            # Whoosh's automaton (a one-segment reader's) fails on a prefix longer
            # than the word, where a several-segment reader scans: not compared.
            for prefix in range(min(2, len(word)) + 1):
                for maxdist in (0, 1, 2):
                    expected = set(reader.terms_within(WORDS_FIELD, word, maxdist, prefix=prefix))
                    assert near_words(reader, word, maxdist, prefix) == expected, (word, prefix)


def test_fuzzy_neighbours_are_whooshs(built_index: searcher.Index) -> None:
    _assert_near_words_as_whoosh(
        built_index, ["immunty", "imunity", "troops", "panneta", "iraq", "us", "x", "39000", "sao"]
    )


def test_fuzzy_neighbours_are_whooshs_on_news(tmp_path: Path) -> None:
    business = shared_data("bbc-news", "bbc", "business")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(business)
        _assert_near_words_as_whoosh(
            ix, ["profti", "econmy", "japan", "bank", "rates", "opec", "yukos", "2004", "o'neill"]
        )
