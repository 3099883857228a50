"""The fast path of our analyzers gives exactly the analyzers' terms and positions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.analysis import name_analyzer, news_analyzer
from searcher.analysis.fast import FastAnalyzer


def _slow_positions(analyzer: object, text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for token in analyzer(text, positions=True, mode="index"):  # type: ignore[operator]
        found.setdefault(token.text, []).append(token.pos)
    return found


@pytest.mark.parametrize("make", [news_analyzer, name_analyzer])
@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=0, max_size=200))
def test_fast_analysis_equals_the_analyzer(make: object, text: str) -> None:
    analyzer = make()  # type: ignore[operator]
    assert FastAnalyzer(analyzer).positions(text) == _slow_positions(analyzer, text)


@pytest.mark.parametrize("make", [news_analyzer, name_analyzer])
@pytest.mark.parametrize(
    "text",
    [
        "The U.S. said it and the troops' 39,000 of São Paulo's talks: the end. " * 3,
        "The U.S. said it_is 1.5.6 and the troops' 39,000 of Iraq's A.B talks: the end. " * 3,
    ],
    ids=["unicode", "ascii"],
)
def test_fast_analysis_on_news_text(make: object, text: str) -> None:
    analyzer = make()  # type: ignore[operator]
    fast = FastAnalyzer(analyzer)
    assert fast.positions(text) == _slow_positions(analyzer, text)
    assert fast.positions(text) == _slow_positions(analyzer, text), "cached terms"
