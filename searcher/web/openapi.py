"""The OpenAPI 3.1 document of the JSON API, served at ``/openapi.json``.

Written out rather than generated: the shapes are :mod:`searcher.jsonshape`'s,
shared with the CLI, and the tests validate every response against this
document (and fuzz the API from it with schemathesis), so it cannot drift.
"""

from __future__ import annotations

from typing import Any

import searcher
from searcher.web.params import (
    FACETS,
    MAX_FACET_LIMIT,
    MAX_LIMIT,
    MAX_PAGE,
    MAX_VALUE_CHARS,
    SORTS,
)

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
OPTIONAL_DATE = {"type": ["string", "null"], "description": "ISO 8601, the day alone when no time"}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
#: One facet's counts, as ``jsonshape.facets_json`` gives them (``null``: no value).
FACET_COUNTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["count", "value"],
        "properties": {"value": {"type": ["string", "null"]}, "count": {"type": "integer"}},
        "additionalProperties": False,
    },
}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": sorted(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


SCHEMAS: dict[str, Any] = {
    "Segment": _object({"text": STRING, "matched": {"type": "boolean"}}),
    "Hit": _object(
        {
            "rank": INTEGER,
            "score": {"type": "number"},
            "id": STRING,
            "path": STRING,
            "title": STRING,
            "byline": STRING,
            "source": STRING,
            "date": OPTIONAL_DATE,
            "crawled": OPTIONAL_DATE,
            "url": STRING,
            "snippets": _array(_array(_ref("Segment"))),
            "similar_count": INTEGER,
            "similar_ids": _array(STRING),
            "duplicate_ids": _array(STRING),
        }
    ),
    "Timeline": _object(
        {
            "interval": {"enum": ["day", "week", "month", "year"]},
            "buckets": _array(
                _object(
                    {
                        "label": {**STRING, "description": "2011-10-17, 2011-W42, 2011-10, 2011"},
                        "start": {**STRING, "format": "date"},
                        "end": {**STRING, "format": "date", "description": "Not included"},
                        "count": INTEGER,
                    }
                )
            ),
            "undated": INTEGER,
        }
    ),
    "SearchResults": _object(
        {
            "query": STRING,
            "parsed": STRING,
            "total": INTEGER,
            "total_exact": {
                "type": "boolean",
                "description": "false when total is estimated from posting counts "
                "(only when no facets are counted; exact_total=1 counts them)",
            },
            "page": INTEGER,
            "limit": INTEGER,
            "suggestion": {"type": ["string", "null"]},
            "notes": _array(STRING),
            "hits": _array(_ref("Hit")),
            "facet_limit": {"type": ["integer", "null"]},
            "facets": {
                "description": "The facets asked for (all six unless `facets` says), each "
                "value with its count; at most `facet_limit` values a facet",
                "oneOf": [
                    {**_object({name: FACET_COUNTS for name in FACETS}), "required": []},
                    {"type": "null"},
                ],
            },
            "facet_values": {
                "description": "How many values each facet has among all matches",
                "oneOf": [
                    {**_object({name: INTEGER for name in FACETS}), "required": []},
                    {"type": "null"},
                ],
            },
            "timeline": _ref("Timeline"),
        }
    ),
    "Article": _object(
        {
            "id": STRING,
            "path": STRING,
            "title": STRING,
            "body": STRING,
            "byline": STRING,
            "source": STRING,
            "date": OPTIONAL_DATE,
            "crawled": OPTIONAL_DATE,
            "url": STRING,
            "keywords": _array(STRING),
            "labels": _array(_array(STRING)),
        }
    ),
    "Similar": _object({"id": STRING, "total": INTEGER, "hits": _array(_ref("Hit"))}),
    "Stats": _object(
        {
            "articles": INTEGER,
            "files": INTEGER,
            "segments": INTEGER,
            "deleted": INTEGER,
            "first_date": OPTIONAL_DATE,
            "last_date": OPTIONAL_DATE,
            "sources": COUNTS,
            "size_bytes": INTEGER,
            "sections": COUNTS,
            "keywords": COUNTS,
        }
    ),
    "Health": _object({"status": {"const": "ok"}, "version": STRING, "articles": INTEGER}),
    "Error": _object(
        {"error": STRING, "parameter": {"type": ["string", "null"]}, "status": INTEGER}
    ),
}


def _response(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


UNAVAILABLE = _response(
    "No index, or one that cannot be read: the message says what to run", "Error"
)
BAD = _response("A bad parameter, named in `parameter`; or a query over the limits", "Error")
MISSING = _response("No article with this id", "Error")


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description, **extra}


TEXT = {"type": "string", "maxLength": MAX_VALUE_CHARS}
ID = {"name": "id", "in": "path", "required": True, "schema": STRING, "description": "Article id"}

SEARCH_PARAMETERS = [
    _query(
        "q",
        {"type": "string", "pattern": "\\S"},
        "Words, phrases, AND/OR/NOT, field:value, date: clauses",
        required=True,
    ),
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page of hits"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Hits per page"),
    _query("sort", {"enum": list(SORTS)}, "Order of hits"),
    _query("since", TEXT, "From this date: 2011-10-17, 2011-10, 2011, last week..."),
    _query("until", TEXT, "Through this date (the whole day, month or year)"),
    _query("source", TEXT, "Only articles from this source"),
    _query("byline", TEXT, "Only articles whose byline has these words"),
    _query("section", TEXT, "Only articles with this section or keyword"),
    _query("topic", TEXT, "Only articles with this topic (Reuters' TOPICS) or keyword"),
    _query("place", TEXT, "Only articles with this place (Reuters' PLACES) or keyword"),
    _query("all", {"type": "boolean"}, "List near-duplicates as separate hits"),
    _query(
        "exact_total",
        {"type": "boolean"},
        "Count every match even when no facets are asked for (else the total may be estimated)",
    ),
    _query(
        "facets",
        {"type": "array", "items": {"enum": [*FACETS, "none"]}, "minItems": 1},
        "Facets to count, comma-separated (default all; none: no facets)",
        style="form",
        explode=False,
    ),
    _query(
        "facet_limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_FACET_LIMIT},
        "At most this many values a facet, those with the most articles (default all)",
    ),
]


def _get(summary: str, ok: dict[str, Any], *errors: tuple[str, Any], params: Any = ()) -> Any:
    responses = {"200": ok, "503": UNAVAILABLE, **dict(errors)}
    return {"get": {"summary": summary, "parameters": list(params), "responses": responses}}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the API."""
    limit = _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Hits")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "searcher",
            "version": searcher.__version__,
            "description": "Full-text search over news articles.",
        },
        "paths": {
            "/api/search": _get(
                "Ranked hits with snippets, facets and timeline counts",
                _response("One page of hits", "SearchResults"),
                ("400", BAD),
                params=SEARCH_PARAMETERS,
            ),
            "/api/article/{id}": _get(
                "The whole article",
                _response("The article", "Article"),
                ("404", MISSING),
                params=[ID],
            ),
            "/api/similar/{id}": _get(
                "Articles most like this one",
                _response("More like this", "Similar"),
                ("400", BAD),
                ("404", MISSING),
                params=[ID, limit],
            ),
            "/api/stats": _get("What the index holds", _response("Index statistics", "Stats")),
            "/api/health": _get("Whether the index can be read", _response("Healthy", "Health")),
        },
        "components": {"schemas": SCHEMAS},
    }
