"""Exactly tied hits are ordered by id, in one index as across shards."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import searcher
from searcher.query.ties import as_is, best_score, first, in_order, runs_by_id

IDS = {1: "e", 2: "b", 3: "d", 4: "a", 5: "c"}


def test_the_last_places_go_to_the_lowest_ids_among_the_tied() -> None:
    items = [(1.0, 1), (3.0, 2), (1.0, 3), (1.0, 4), (2.0, 5)]
    assert first(items, 3, IDS.__getitem__, best_score) == [(3.0, 2), (2.0, 5), (1.0, 4)]
    assert first(items, 4, IDS.__getitem__, best_score)[2:] == [(1.0, 4), (1.0, 3)]
    assert first(items, 9, IDS.__getitem__, best_score) == in_order(
        items, IDS.__getitem__, best_score
    )
    assert first([(2, 1), (1, 3), (1, 5)], 2, IDS.__getitem__, as_is) == [(1, 5), (1, 3)]
    assert runs_by_id([(9, 1), (9, 2), (5, 3)], IDS.__getitem__) == [(9, 2), (9, 1), (5, 3)]


def test_copies_that_score_alike_come_in_order_of_their_ids(index_env: Path) -> None:
    body = (
        "Cocoa farmers in Ghana expect a record harvest after steady rains this season, "
        "traders said on Monday, as buyers from Europe and Asia booked early shipments "
        "and the regulator raised its forecast for the main crop by ten percent, citing "
        "better weather, new seedlings planted four years ago and fewer smuggled beans."
    )
    others = [
        searcher.Article(id=f"other-{n}", path="x", title=f"Weather {n}", body=f"Rain and sun {n}.")
        for n in range(5)
    ]
    copies = [
        searcher.Article(
            id=name,
            path="x",
            title="Cocoa harvest",
            body=body,
            date=datetime(2011, 10, day),
        )
        for day, name in enumerate(["wire-c", "wire-a", "wire-d", "wire-b"], 1)
    ]
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(others + copies)
        found = ix.search("cocoa harvest", collapse=False)
        assert [hit.id for hit in found.hits] == ["wire-a", "wire-b", "wire-c", "wire-d"]
        assert len({hit.score for hit in found.hits}) == 1
        assert [hit.id for hit in ix.search("cocoa harvest", collapse=False, limit=2).hits] == [
            "wire-a",
            "wire-b",
        ]
        folded = ix.search("cocoa harvest").hits
        assert [(hit.id, hit.similar_ids) for hit in folded] == [
            ("wire-a", ("wire-b", "wire-c", "wire-d"))
        ]
