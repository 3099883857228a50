"""The JSON API: the CLI's shapes, facets and timeline, errors naming the parameter."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import jsonschema_rs
import pytest

import searcher
from searcher.jsonshape import article_json, facets_json, histogram_json, hit_json, stats_json
from searcher.web.openapi import openapi_document
from searcher.web.params import FACETS
from tests.conftest import SEED_ID
from tests.web.conftest import Server


def conforms(body: Any, schema: str) -> None:
    """Check ``body`` against a schema of the OpenAPI document."""
    document = openapi_document()
    root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    jsonschema_rs.validator_for(root).validate(body)


def plain(value: Any) -> Any:
    """``value`` as it comes back from JSON (tuples as lists)."""
    return json.loads(json.dumps(value))


def api(site: Server, path: str, status: int = 200, schema: str = "") -> Any:
    response = site.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if schema or status >= 400:
        conforms(body, schema or "Error")
    return body


def test_search_gives_the_cli_hit_shape_with_facets_and_timeline(site: Server) -> None:
    body = api(site, "/api/search?q=legal+immunity&limit=2", schema="SearchResults")
    with searcher.open_index(site.index_dir) as ix:
        expected = ix.search("legal immunity", limit=2, facets=FACETS, histogram="auto")
    assert body["hits"] == plain([hit_json(hit) for hit in expected.hits])
    assert body["hits"][0]["id"] == SEED_ID
    assert body["total"] == 3 and body["page"] == 1 and body["limit"] == 2
    assert body["facets"]["source"] == [
        {"value": value or None, "count": count} for value, count in expected.facets.sources
    ]
    assert body["facets"] == facets_json(expected.facets)["facets"]
    assert set(body["facets"]) == set(FACETS)
    assert expected.histogram is not None
    assert body["timeline"] == histogram_json(expected.histogram)["histogram"]
    days = body["timeline"]["buckets"]  # 12 to 21 October 2011: a bar a day
    assert body["timeline"]["interval"] == "day" and len(days) == 10
    first = {"label": "2011-10-12", "start": "2011-10-12", "end": "2011-10-13", "count": 1}
    assert days[0] == first
    assert sum(day["count"] for day in days) == 3


def test_facets_asks_for_some_and_facet_limit_keeps_the_biggest(site: Server) -> None:
    everything = api(site, "/api/search?q=said", schema="SearchResults")
    assert everything["facet_limit"] is None
    assert everything["facet_values"] == {
        name: len(counts) for name, counts in everything["facets"].items()
    }
    path = "/api/search?q=said&facets=byline,month,source&facet_limit=2"
    body = api(site, path, schema="SearchResults")
    assert list(body["facets"]) == ["byline", "month", "source"]
    assert body["facet_limit"] == 2
    assert body["facet_values"] == {
        name: everything["facet_values"][name] for name in ("byline", "month", "source")
    }
    assert body["hits"] == everything["hits"] and body["timeline"] == everything["timeline"]
    for name, values in body["facets"].items():
        full = everything["facets"][name]
        assert len(full) > 2 and len(values) == 2
        # the two with the most articles, in the facet's own order (months by date)
        biggest = sorted(value["count"] for value in full)[-2:]
        assert sorted(value["count"] for value in values) == biggest
        assert values == [value for value in full if value in values]
    none = api(site, "/api/search?q=said&facets=none", schema="SearchResults")
    assert none["facets"] is None and none["facet_values"] is None
    assert none["hits"] == everything["hits"]


def test_search_filters_and_pages(site: Server) -> None:
    path = "/api/search?q=immunity&source=AFP&since=2011-10&until=2011-10"
    body = api(site, path, schema="SearchResults")
    assert [hit["source"] for hit in body["hits"]] == ["AFP"] * len(body["hits"])
    second = api(site, "/api/search?q=legal+immunity&limit=1&page=2", schema="SearchResults")
    assert second["page"] == 2 and second["hits"][0]["rank"] == 2


def test_a_misspelt_search_suggests(site: Server) -> None:
    body = api(site, "/api/search?q=legl+imunity", schema="SearchResults")
    assert body["suggestion"] == "legal immunity" and body["hits"] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("", "q"),
        ("q=", "q"),
        ("q=x&page=0", "page"),
        ("q=x&page=two", "page"),
        ("q=x&limit=101", "limit"),
        ("q=x&sort=best", "sort"),
        ("q=x&since=someday", "since"),
        ("q=x&until=2011-13", "until"),
        ("q=x&source=" + "a" * 201, "source"),
        ("q=x&all=maybe", "all"),
        ("q=x&facets=source,bogus", "facets"),
        ("q=x&facets=,", "facets"),
        ("q=x&facet_limit=0", "facet_limit"),
        ("q=x&facet_limit=1001", "facet_limit"),
    ],
)
def test_bad_parameters_get_400_naming_them(
    site: Server, query: str, parameter: str | None
) -> None:
    body = api(site, "/api/search?" + query, 400)
    if parameter:
        assert body["parameter"] == parameter
        assert parameter in body["error"]


def test_a_query_over_the_limits_gets_the_cli_refusal(site: Server) -> None:
    text = " ".join(["immunity"] * 500)
    with searcher.open_index(site.index_dir) as ix, pytest.raises(searcher.QueryError) as refused:
        ix.search(text)
    body = api(site, "/api/search?q=" + quote(text), 400)
    assert body == {"error": str(refused.value), "parameter": "q", "status": 400}


def test_article_similar_stats_and_health(site: Server) -> None:
    with searcher.open_index(site.index_dir) as ix:
        article = ix.get(SEED_ID)
        similar = ix.similar(SEED_ID, limit=3)
        stats = ix.stats()
        articles = len(ix)
    assert api(site, f"/api/article/{SEED_ID}", schema="Article") == plain(article_json(article))
    body = api(site, f"/api/similar/{SEED_ID}?limit=3", schema="Similar")
    assert body["hits"] == plain([hit_json(hit) for hit in similar.hits])
    assert api(site, "/api/stats", schema="Stats") == plain(stats_json(stats))
    health = api(site, "/api/health", schema="Health")
    assert health == {"status": "ok", "version": searcher.__version__, "articles": articles}


@pytest.mark.parametrize(
    "path",
    [
        "/api/article/corpus/nope.txt",
        "/api/similar/corpus/nope.txt",
        "/api/article/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/article/%2Fetc%2Fpasswd",
        "/api/article//etc/passwd",
    ],
)
def test_an_unknown_id_is_404(site: Server, path: str) -> None:
    body = api(site, path, 404)
    assert "root:" not in body["error"]


def test_the_openapi_document_is_served(site: Server) -> None:
    document = api(site, "/openapi.json")
    assert document == openapi_document()
    assert set(document["paths"]) == {
        "/api/search",
        "/api/article/{id}",
        "/api/similar/{id}",
        "/api/stats",
        "/api/health",
    }


def test_total_exact_says_whether_the_total_was_counted(site: Server) -> None:
    body = api(site, "/api/search?q=said&facets=none&exact_total=1", schema="SearchResults")
    with searcher.open_index(site.index_dir) as ix:
        expected = ix.search("said", facets=False, exact_total=True)
    assert body["total"] == expected.total and body["total_exact"] is True
    # without facets and without exact_total, the library decides, and the API says what it did
    body = api(site, "/api/search?q=said&facets=none", schema="SearchResults")
    with searcher.open_index(site.index_dir) as ix:
        decided = ix.search("said", facets=False)
    assert (body["total"], body["total_exact"]) == (decided.total, decided.total_exact)
    error = api(site, "/api/search?q=said&exact_total=maybe", status=400)
    assert error["parameter"] == "exact_total"
