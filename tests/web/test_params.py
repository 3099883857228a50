"""Reading a search from a query string."""

from __future__ import annotations

import pytest

from searcher.web.params import BadParameter, SearchParams, read_search


def test_defaults_and_values() -> None:
    assert read_search({}, need_query=False) == SearchParams()
    params = read_search(
        {"q": " immunity ", "page": "2", "sort": "newest", "since": "last week", "all": "1"},
        need_query=True,
    )
    assert params == SearchParams(q="immunity", page=2, sort="newest", since="last week", all=True)
    assert params.search_kwargs()["since"] == "last week"
    assert params.search_kwargs()["collapse"] is False


def test_links_keep_the_search_and_change_one_thing() -> None:
    params = SearchParams(q="legal immunity", page=3, source="AFP")
    assert params.link(source="") == "/search?q=legal%20immunity"
    assert params.link(page=4) == "/search?q=legal%20immunity&page=4&source=AFP"
    assert params.link(since="2011-10", until="2011-10") == (
        "/search?q=legal%20immunity&since=2011-10&until=2011-10&source=AFP"
    )


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ({}, "q"),
        ({"q": "x", "limit": "-1"}, "limit"),
        ({"q": "x", "page": "1e3"}, "page"),
        ({"q": "x", "page": "٣"}, "page"),
        ({"q": "x", "since": "2011-02-30"}, "since"),
        ({"q": "x", "byline": "b" * 201}, "byline"),
        ({"q": "x\x00"}, "q"),
    ],
)
def test_a_bad_value_names_its_parameter(raw: dict[str, str], name: str) -> None:
    with pytest.raises(BadParameter) as bad:
        read_search(raw, need_query=True)
    assert bad.value.parameter == name
