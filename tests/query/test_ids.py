"""Ids as people type them: whole, or a unique beginning."""

from __future__ import annotations

import pytest

import searcher
from tests.conftest import SEED_ID


def test_get_takes_the_whole_id_or_a_unique_prefix(built_index: searcher.Index) -> None:
    assert built_index.get(SEED_ID).id == SEED_ID
    assert built_index.get("corpus/000").id == SEED_ID
    assert built_index.similar("corpus/000", limit=1).query == SEED_ID


def test_an_ambiguous_prefix_names_candidates(built_index: searcher.Index) -> None:
    with pytest.raises(searcher.AmbiguousIdError) as raised:
        built_index.get("corpus/feeds/2011-10-exports.jsonl#")
    assert raised.value.candidates[0] == "corpus/feeds/2011-10-exports.jsonl#feed-101"
    assert isinstance(raised.value, searcher.ArticleNotFoundError)
    assert "give more of it" in str(raised.value)


def test_a_deleted_article_is_no_candidate(built_index: searcher.Index) -> None:
    built_index.delete("corpus/feeds/2011-10-exports.jsonl#feed-101")
    with pytest.raises(searcher.AmbiguousIdError) as raised:
        built_index.get("corpus/feeds/2011-10-exports.jsonl#feed-10")
    assert [c[-3:] for c in raised.value.candidates] == ["102", "103"]
    built_index.delete("corpus/feeds/2011-10-exports.jsonl#feed-103")
    assert built_index.get("corpus/feeds/2011-10-exports.jsonl#").id.endswith("#feed-102")
    with pytest.raises(searcher.ArticleNotFoundError):
        built_index.get("nowhere/")
