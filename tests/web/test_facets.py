"""The facets beside the hits: the library's counts as links that narrow."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import searcher
from searcher.web.facets import MOST, SHOWN, facet_groups
from searcher.web.params import SearchParams


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_values_link_to_the_search_narrowed_to_them() -> None:
    bylines = (("", 9), ("Dan De Luce, AFP", 2), ("Lena Park", 1))
    places = (("usa", 3),)
    facets = searcher.Facets(counts=(("byline", bylines), ("topics", ()), ("places", places)))
    groups = facet_groups(SearchParams(q="iraq", place="usa"), facets)
    assert [g.name for g in groups] == ["byline", "places"]  # no topic among the matches
    byline = groups[0]
    assert [(v.value, v.count) for v in byline.shown] == [
        ("Dan De Luce, AFP", 2),
        ("Lena Park", 1),
        ("", 9),  # articles without a byline last, and not a link
    ]
    assert query_of(byline.shown[0].href) == {
        "q": ["iraq"],
        "byline": ["Dan De Luce, AFP"],
        "place": ["usa"],
    }
    assert byline.shown[2].href == ""
    usa = groups[1].shown[0]
    assert usa.current and usa.href == ""


def test_many_values_fold_and_the_rarest_are_counted_not_listed() -> None:
    topics = tuple((f"topic{n:03d}", 1000 - n) for n in range(MOST + 7))
    (group,) = facet_groups(SearchParams(q="oil"), searcher.Facets(counts=(("topics", topics),)))
    assert len(group.shown) == SHOWN and len(group.more) == MOST - SHOWN
    assert group.unlisted == 7


def test_a_month_keeps_the_dates_the_search_already_keeps() -> None:
    months = (("2011-09", 1), ("2011-10", 3), ("", 2))
    facets = searcher.Facets(counts=(("month", months),))
    (group,) = facet_groups(SearchParams(q="iraq", since="2011-10-12"), facets)
    assert [v.value for v in group.shown] == ["2011-09", "2011-10", ""]
    october = query_of(group.shown[1].href)
    assert october["since"] == ["2011-10-12"] and october["until"] == ["2011-10"]
