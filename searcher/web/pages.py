"""The HTML pages: search, article, stats. They work with JavaScript off.

Each handler reads its parameters, calls the library once or twice, and
renders a template; links (facets, timeline bars, pages, "did you mean") are
the same search with one parameter changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import searcher
from searcher.web.facets import facet_groups
from searcher.web.library import library
from searcher.web.params import FACET_FILTERS, MAX_PAGE, SearchParams, read_limit, read_search
from searcher.web.rendering import render
from searcher.web.timeline import bucket_dates, timeline_svg

#: How many page numbers the pagination shows either side of the current one.
PAGE_WINDOW = 3
#: How many collapsed copies a hit lists by title, and how many "more like this".
MAX_COPIES = 10
SIMILAR = 5


@dataclass(frozen=True, slots=True)
class Copy:
    """A near-duplicate folded into a hit: its id and headline."""

    id: str
    title: str


def _pages(params: SearchParams, total: int) -> list[int]:
    last = min(MAX_PAGE, max(1, -(-total // params.limit)))
    low, high = max(1, params.page - PAGE_WINDOW), min(last, params.page + PAGE_WINDOW)
    return sorted({1, last, *range(low, high + 1)})


def _copies(ix: searcher.Index | searcher.ShardedIndex, hit: searcher.SearchHit) -> list[Copy]:
    copies = []
    for article_id in hit.similar_ids[:MAX_COPIES]:
        try:
            copies.append(Copy(article_id, ix.get(article_id).title))
        except searcher.ArticleNotFoundError:  # deleted by a commit since the search
            continue
    return copies


async def search_page(request: Request) -> Response:
    params = read_search(request.query_params, need_query=False)
    if not params.q and not params.narrowed:
        return render("search.html", params=params, q="", results=None)
    ix = library(request).index()
    results = ix.search(params.q, **params.search_kwargs())
    histogram = results.histogram or searcher.Histogram("day")

    def bar_link(bucket: searcher.HistogramBucket) -> str:
        since, until = bucket_dates(bucket, histogram.interval, params.since, params.until)
        return params.link(since=since, until=until)

    return render(
        "search.html",
        params=params,
        q=params.q,
        results=results,
        first=(params.page - 1) * params.limit + 1,
        pages=_pages(params, results.total),
        copies={hit.id: _copies(ix, hit) for hit in results.hits if hit.similar_ids},
        timeline=histogram,
        timeline_svg=timeline_svg(histogram, bar_link),
        facets=facet_groups(params, results.facets),
    )


async def article_page(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()
    article_id = request.path_params["id"]
    ix = library(request).index()
    article = ix.get(article_id)
    similar = ix.similar(article_id, limit=read_limit(request.query_params, SIMILAR))

    def marked(text: str) -> tuple[searcher.Segment, ...]:
        return searcher.highlight_text(text, query) if query else (searcher.Segment(text, False),)

    return render(
        "article.html",
        article=article,
        labels=label_links(article.labels),
        q=query,
        title=marked(article.title),
        paragraphs=[marked(p) for p in article.body.split("\n\n") if p.strip()],
        similar=similar,
    )


def label_links(labels: tuple[tuple[str, str], ...]) -> list[tuple[str, str, str]]:
    """An article's labels as ``(kind, value, href)``: a section, topic or place
    links to every article with it (``href`` empty for the other kinds)."""
    links = []
    for kind, value in labels:
        parameter = FACET_FILTERS.get(kind, "")
        href = SearchParams().link(**{parameter: value}) if parameter and value else ""
        links.append((kind, value, href))
    return links


async def stats_page(request: Request) -> Response:
    stats = library(request).index().stats()
    return render("stats.html", stats=stats, q="", browse=SearchParams().link)


ROUTES = [
    Route("/", search_page),
    Route("/search", search_page),
    Route("/article/{id:path}", article_page),
    Route("/stats", stats_page),
]
