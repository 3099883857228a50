"""The JSON API under ``/api/``: search, article, similar, stats, health.

Hits, articles and stats have the shapes ``searcher query --json``,
``show --json`` and ``stats --json`` print (:mod:`searcher.jsonshape`); a
search adds its facets and its timeline: the date histogram, as
``searcher query --json --histogram`` prints it. ``/openapi.json`` describes it all.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import searcher
from searcher.jsonshape import article_json, facets_json, histogram_json, hit_json, stats_json
from searcher.web.errors import Json
from searcher.web.library import library
from searcher.web.openapi import openapi_document
from searcher.web.params import read_facets, read_limit, read_search


def results_json(results: searcher.SearchResults) -> dict[str, Any]:
    """Hits (as ``searcher query --json`` prints them) and what the search counted."""
    return {
        "query": results.query,
        "parsed": results.parsed,
        "total": results.total,
        "total_exact": results.total_exact,
        "page": results.page,
        "suggestion": results.suggestion,
        "notes": list(results.notes),
        "hits": [hit_json(hit) for hit in results.hits],
    }


def top_values(facets: searcher.Facets, limit: int | None) -> searcher.Facets:
    """Each facet's ``limit`` values with the most articles (the first met
    among equal counts), kept in the facet's order (months in date order)."""
    if limit is None:
        return facets
    kept = []
    for name, counts in facets.counts:
        best = sorted(range(len(counts)), key=lambda i: -counts[i][1])[:limit]
        kept.append((name, tuple(counts[i] for i in sorted(best))))
    return searcher.Facets(counts=tuple(kept))


async def search(request: Request) -> Response:
    params = read_search(request.query_params, need_query=True)
    names, facet_limit = read_facets(request.query_params)
    kwargs = {**params.search_kwargs(), "facets": names or False}
    results = library(request).index().search(params.q, **kwargs)
    body = results_json(results)
    body["limit"] = params.limit
    body["facet_limit"] = facet_limit
    facets = results.facets if names else None
    if facets is None:
        body["facets"] = body["facet_values"] = None
    else:
        body["facets"] = facets_json(top_values(facets, facet_limit))["facets"]
        body["facet_values"] = {name: len(counts) for name, counts in facets.counts}
    histogram = results.histogram or searcher.Histogram("day")
    body["timeline"] = histogram_json(histogram)["histogram"]
    return Json(body)


async def article(request: Request) -> Response:
    found = library(request).index().get(request.path_params["id"])
    return Json(article_json(found))


async def similar(request: Request) -> Response:
    limit = read_limit(request.query_params)
    article_id = request.path_params["id"]
    results = library(request).index().similar(article_id, limit=limit)
    return Json({"id": article_id, "total": results.total, "hits": [hit_json(h) for h in results]})


async def stats(request: Request) -> Response:
    return Json(stats_json(library(request).index().stats()))


async def health(request: Request) -> Response:
    ix = library(request).index()
    return Json({"status": "ok", "version": searcher.__version__, "articles": len(ix)})


async def openapi(request: Request) -> Response:
    return Json(openapi_document())


ROUTES = [
    Route("/api/search", search),
    Route("/api/article/{id:path}", article),
    Route("/api/similar/{id:path}", similar),
    Route("/api/stats", stats),
    Route("/api/health", health),
    Route("/openapi.json", openapi),
]
