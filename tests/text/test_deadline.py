"""The wall-clock budget of a query, and the work it must not cut in half."""

from __future__ import annotations

import time

import pytest

from searcher.errors import QueryError
from searcher.text.deadline import time_budget, uninterrupted


def test_a_budget_stops_work_that_runs_past_it() -> None:
    with pytest.raises(QueryError, match=r"took longer than 0\.05 s"), time_budget(0.05):
        time.sleep(1)


def test_uninterrupted_work_finishes_and_the_budget_stops_after_it() -> None:
    finished = []
    started = time.monotonic()
    with pytest.raises(QueryError, match="took longer than"), time_budget(0.05):
        with uninterrupted():
            time.sleep(0.2)
            finished.append(True)
        finished.append(False)  # not reached: the deferred alarm stops the work here
    assert finished == [True]
    assert time.monotonic() - started >= 0.2


def test_uninterrupted_work_within_the_budget_changes_nothing() -> None:
    with time_budget(5), uninterrupted():
        assert sum(range(10)) == 45
    with time_budget(5):  # a later budget starts afresh
        time.sleep(0.01)
