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
import difflib
import heapq
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.reading import IndexReader

from searcher.config import require
from searcher.errors import ArgumentError, QueryError
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


@dataclass(frozen=True)
class Restriction:
    """One restriction of a search, with what it is, to say which one emptied
    the results: ``label`` (``"source 'reuter'"``), its ``query``, and for a
    filter on one field, the ``field`` and the ``value`` asked for."""

    label: str
    query: wq.Query
    field: str = ""
    value: str = ""


def filter_queries(schema: Schema, filters: Mapping[str, str]) -> list[Restriction]:
    """Return the restrictions of ``filters`` (every word of each must match)."""
    parts: list[Restriction] = []
    what = "a mapping of filter names to str"
    for name, value in require(filters, "filters", Mapping, what).items():
        require(name, "filters", str, f"{what} (a name is {type(name).__name__})")
        require(value, f"filters[{name!r}]", str, "a str")
        field = FIELD_ALIASES_REVERSE.get(name, name)
        if field not in FILTER_FIELDS:
            raise ArgumentError(f"cannot filter on {name!r}; use one of {sorted(FILTER_NAMES)}")
        if field == "keywords":
            terms = [value.strip().lower()] if value.strip() else []
        else:
            terms = list(schema[field].process_text(value, mode="query"))
        if not terms:
            raise QueryError(f"The {name} filter {value!r} has no words to match.")
        queries = [wq.Term(field, term) for term in terms]
        query = queries[0] if len(queries) == 1 else wq.And(queries)
        parts.append(Restriction(f"{name} {value!r}", query, field, value))
    return parts


def clause_restriction(query: wq.Query) -> Restriction:
    """A restriction taken out of the query text (``source:afp``, ``date:2011``)."""
    if isinstance(query, DateClause | wq.NumericRange | wq.TermRange):
        return Restriction("a date in the date: clause's range", query)
    fields = {f for f, _ in query.iter_all_terms()}
    if isinstance(query, wq.Term) and len(fields) == 1:
        field = fields.pop()
        name = _FIELD_NAMES.get(field, field)
        return Restriction(f"{name}:{query.text}", query, field, str(query.text))
    return Restriction(str(query), query)


#: What the values of a restriction field are, for listing them: the field
#: holding whole values where there is one (``source_key``: "Reuters").
_VALUE_FIELDS = {"source": "source_key", "byline": "byline", "keywords": "keywords"}
#: Restriction fields by the names people use.
_FIELD_NAMES = {"source": "source", "byline": "byline", "keywords": "section", "section": "section"}


def most_held(values: Mapping[str, int], most: int = 10) -> list[str]:
    """The ``most`` values held by most articles, first (of :func:`field_values`)."""
    found = [(n, v) for v, n in values.items() if n]
    return [v for _, v in heapq.nlargest(most, found)]


def closest_value(values: Mapping[str, int], value: str) -> str | None:
    """The one of ``values`` (:func:`field_values`) most like ``value`` (did you
    mean), or ``None``."""
    by_folded = {v.lower(): v for v in sorted(values)}
    close = difflib.get_close_matches(value.strip().lower(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[close[0]] if close else None


@dataclass(frozen=True)
class Emptied:
    """What says which restriction emptied a result (:func:`empty_result_note`),
    as counted in one index, or added up over a sharded index's shards.

    :param without: how many articles the query's words find without the restrictions.
    :param counts: how many they find under each restriction alone (without
        words: how many each restriction holds).
    :param values: for each restriction field of an emptying restriction, its
        values in the index and how many articles hold each.
    """

    without: int
    counts: tuple[int, ...]
    values: Mapping[str, Mapping[str, int]]

    @classmethod
    def total(cls, parts: Sequence[Emptied]) -> Emptied:
        """The shards' ``parts`` added up."""
        values: dict[str, dict[str, int]] = {}
        for part in parts:
            for field, held in part.values.items():
                mine = values.setdefault(field, {})
                for value, count in held.items():
                    mine[value] = mine.get(value, 0) + count
        counts = [sum(found) for found in zip(*(part.counts for part in parts), strict=True)]
        return cls(sum(part.without for part in parts), tuple(counts), values)


def emptied(
    reader: IndexReader,
    count: Callable[[wq.Query | None], int],
    restrictions: Sequence[Restriction],
    *,
    words: bool,
) -> Emptied:
    """The counts :func:`empty_result_note` says which restriction emptied a result from.

    :param count: how many articles the query's words find under one
        restriction's query (``None``: under none).
    :param words: whether the query has words (else the restrictions alone chose).
    """
    without = count(None) if words else 0
    counts = tuple(count(r.query) for r in restrictions)
    values = {
        r.field: field_values(reader, r.field)
        for r, found in zip(restrictions, counts, strict=True)
        if found == 0 and r.field in _VALUE_FIELDS
    }
    return Emptied(without, counts, values)


def field_values(reader: IndexReader, field: str) -> dict[str, int]:
    """The values of the restriction field ``field`` (``source``, ``byline`` or
    ``keywords``) in the index, and how many articles hold each."""
    name = _VALUE_FIELDS.get(field, field)
    if name not in reader.schema:
        return {}
    values: dict[str, int] = {}
    for text in reader.lexicon(name):
        value = reader.schema[name].from_bytes(text)
        if value:
            values[str(value)] = values.get(str(value), 0) + int(reader.doc_frequency(name, text))
    return values


def empty_result_note(
    reader: IndexReader,
    count: Callable[[wq.Query | None], int],
    restrictions: Sequence[Restriction],
    *,
    words: bool,
) -> str | None:
    """Say which restriction emptied a result, and what values it could take
    (with a did-you-mean for sources, sections and bylines).

    :param count: how many articles the query's words find under one
        restriction's query (``None``: under none).
    :param words: whether the query has words (else the restrictions alone chose).
    """
    if not restrictions or (words and count(None) == 0):
        return None  # (or the words find nothing: no filter is to blame)
    return emptied_note(
        emptied(reader, count, restrictions, words=words), restrictions, words=words
    )


def emptied_note(
    evidence: Emptied, restrictions: Sequence[Restriction], *, words: bool
) -> str | None:
    """:func:`empty_result_note` from its counts (one index's, or all shards')."""
    if not restrictions:
        return None
    without = evidence.without
    if words and without == 0:
        return None  # the words find nothing: no filter is to blame
    empty = [r for r, n in zip(restrictions, evidence.counts, strict=True) if n == 0]
    found = (
        f"{without:,} article{'s match' if without != 1 else ' matches'} the words without "
        f"the filters, but "
        if words
        else ""
    )
    if not empty:
        labels = ", ".join(r.label for r in restrictions)
        message = f"{found}no article passes all of these together: {labels}."
        return message[0].upper() + message[1:]
    parts = []
    for restriction in empty:
        hint = ""
        if restriction.field in _VALUE_FIELDS:
            values = evidence.values.get(restriction.field, {})
            close = closest_value(values, restriction.value)
            listed = ", ".join(most_held(values))
            # (not the value asked for itself: it exists, only not with the words)
            same = close is not None and close.lower() == restriction.value.strip().lower()
            hint = f" (did you mean {close!r}?)" if close and not same else ""
            if listed:
                hint += f"; {_FIELD_NAMES[restriction.field]} values include: {listed}"
        parts.append(f"{restriction.label}{hint}")
    return (
        f"{found}none has {'; '.join(parts)}." if words else f"No article has {'; '.join(parts)}."
    )
