"""The rounds of a sharded query beyond scoring, as one index runs them."""

from __future__ import annotations

from pathlib import Path

import searcher
from tests.cluster.equality import assert_same, one_and_four

#: Each note holds one of these words, twice: the notes' scores tie.
WORDS = "apple birch cedar delta ember fjord grove heron iris jade kelp lark maple".split()


def test_feedback_voters_that_tie_are_chosen_by_id_as_one_index_chooses(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, word in enumerate(WORDS):
        body = f"Cocoa harvest prices rose again {word} {word}."
        (corpus / f"s{n:02d}.txt").write_text(f"Note {n}\n\n{body}\n")
    for n in range(30):
        (corpus / f"o{n:02d}.txt").write_text(f"Other {n}\n\nMarkets were quiet today, {n}.\n")
    plain, shards = one_and_four(tmp_path, corpus)
    # More notes tie than feedback takes: which vote decides the words, and the order.
    with searcher.open_index(plain) as one, searcher.open_index(shards) as four:
        found = one.search("cocoa harvest prices", limit=20)
        assert len({hit.score for hit in found.hits}) < len(found.hits) - 10
        assert_same(found, four.search("cocoa harvest prices", limit=20), "feedback ties")
