"""Marking a query's words through a whole text."""

from __future__ import annotations

import searcher


def marked(text: str, query: str) -> str:
    return "".join(
        f"[{s.text}]" if s.matched else s.text for s in searcher.highlight_text(text, query)
    )


def test_words_are_marked_by_their_terms() -> None:
    assert marked("Immunities for U.S. troops", "immunity us") == "[Immunities] for [U.S.] troops"
    assert marked("São Paulo transit", "sao paulo") == "[São] [Paulo] transit"


def test_the_segments_join_back_to_the_text() -> None:
    text = "The question of legal immunity, again: immunity!"
    segments = searcher.highlight_text(text, "immunity")
    assert "".join(s.text for s in segments) == text
    assert [s.text for s in segments if s.matched] == ["immunity", "immunity"]


def test_stop_words_and_empty_queries_mark_nothing() -> None:
    assert marked("the troops", "the") == "the troops"
    assert marked("the troops", "") == "the troops"
    assert searcher.highlight_text("", "troops") == ()
