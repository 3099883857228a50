"""Search-box restrictions, taken out of the query by the plan stage:
``date:``, ``byline:``, ``source:`` and ``section:`` clauses, and ``filters=``.

``immunity date:2011-10`` is immunity *in* October 2011, not "immunity, or
anything from October 2011": restrictions keep articles, they do not rank
them, and they become one set of articles when the query runs.

Imports Whoosh's public query and fields modules, the floor (``arguments``,
``errors``) and :mod:`searcher.query.syntax`; no other part of query/.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping

from whoosh import query as wq
from whoosh.fields import Schema

from searcher.config import require
from searcher.errors import QueryError
from searcher.query.syntax import FIELD_ALIASES_REVERSE, DateClause

LOGGER = logging.getLogger(__name__)

#: What ``filters=`` accepts, and the fields they restrict.
FILTER_FIELDS = frozenset({"byline", "source", "keywords"})
FILTER_NAMES = FILTER_FIELDS | FIELD_ALIASES_REVERSE.keys()


def _is_restriction(query: wq.Query) -> bool:
    """A ``date:`` clause, or a clause only on byline, source or keywords."""
    if isinstance(query, DateClause):
        return True
    if isinstance(query, wq.NumericRange | wq.TermRange):
        return query.fieldname in ("date", "day")
    if isinstance(query, wq.Not | wq.AndNot | wq.Or):
        return False
    if not isinstance(query, wq.Term | wq.And | wq.Phrase):
        return False
    fields = {f for f, _ in query.iter_all_terms()}
    return bool(fields) and fields <= FILTER_FIELDS


def split_restrictions(query: wq.Query) -> tuple[wq.Query, list[wq.Query]]:
    """Take top-level ``date:``, ``byline:``, ``source:`` and ``section:`` clauses
    out of ``query``, to restrict the results, as in a search box: ``immunity
    date:2011-10`` is immunity *in* October 2011, not "immunity, or anything from
    October 2011".

    :returns: the query without them, and the restrictions. A query of
        restrictions alone is returned whole, so that it is still ranked. A
        ``date:`` clause comes out as its own query (see
        :class:`~searcher.query.syntax.DateClause`), in the restrictions and
        wherever else the query holds one.
    """
    query, found = _split(query)
    return _unmarked(query), [_unmarked(q) for q in found]


def _split(query: wq.Query) -> tuple[wq.Query, list[wq.Query]]:
    if isinstance(query, wq.AndNot):
        positive, found = _split(query.a)
        return _rebuilt(query, [positive, query.b]), found
    if not isinstance(query, wq.Or | wq.And):
        return query, []
    found = [q for q in query.subqueries if _is_restriction(q)]
    rest = [q for q in query.subqueries if not _is_restriction(q)]
    if not found or not rest:
        return query, []
    return (_rebuilt(query, rest) if len(rest) > 1 else rest[0]), found


def _unmarked(query: wq.Query) -> wq.Query:
    """``query`` with each ``date:`` clause's query in place of its mark."""
    if isinstance(query, DateClause):
        return query.child
    children = list(query.children())
    plain = [_unmarked(child) for child in children]
    if all(p is c for p, c in zip(plain, children, strict=True)):
        return query
    return _rebuilt(query, plain)


def _rebuilt(query: wq.Query, children: list[wq.Query]) -> wq.Query:
    """A copy of ``query`` with other children; unlike Whoosh's ``apply``, it
    keeps everything else, such as an ``Or``'s coordination bonus."""
    rebuilt = copy.copy(query)
    if isinstance(query, wq.BinaryQuery):
        rebuilt.a, rebuilt.b = children
        rebuilt.subqueries = tuple(children)
    elif isinstance(query, wq.CompoundQuery):
        rebuilt.subqueries = children
    elif isinstance(query, wq.Not):
        (rebuilt.query,) = children
    elif isinstance(query, wq.WrappingQuery):
        (rebuilt.child,) = children
    else:
        raise TypeError(f"cannot rebuild a {type(query).__name__} query")
    return rebuilt


def filter_queries(schema: Schema, filters: Mapping[str, str]) -> list[wq.Query]:
    """Return the term queries of ``filters`` (every word of each must match)."""
    parts: list[wq.Query] = []
    what = "a mapping of filter names to str"
    for name, value in require(filters, "filters", Mapping, what).items():
        require(name, "filters", str, f"{what} (a name is {type(name).__name__})")
        require(value, f"filters[{name!r}]", str, "a str")
        field = FIELD_ALIASES_REVERSE.get(name, name)
        if field not in FILTER_FIELDS:
            raise ValueError(f"cannot filter on {name!r}; use one of {sorted(FILTER_NAMES)}")
        if field == "keywords":
            terms = [value.strip().lower()] if value.strip() else []
        else:
            terms = list(schema[field].process_text(value, mode="query"))
        if not terms:
            raise QueryError(f"The {name} filter {value!r} has no words to match.")
        parts += [wq.Term(field, term) for term in terms]
    return parts
