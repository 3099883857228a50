"""Query clauses beyond Whoosh's defaults: fuzzy words through stemming, search-box
restrictions (``date:``, ``byline:``, ``source:``, ``section:``), ``filters=``,
date sorting, and a readable rendering of the parsed query.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Mapping

from whoosh import query as wq
from whoosh import sorting
from whoosh.fields import Schema
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from searcher.arguments import require
from searcher.errors import QueryError
from searcher.query.suggest import near_words
from searcher.query.syntax import FIELD_ALIASES_REVERSE, DateClause
from searcher.store.postings import term_docs

LOGGER = logging.getLogger(__name__)

#: Fields whose terms are stems: fuzzy terms on them are expanded via ``words``.
STEMMED_FIELDS = frozenset({"title", "body"})
#: What ``filters=`` accepts, and the fields they restrict.
FILTER_FIELDS = frozenset({"byline", "source", "keywords"})
FILTER_NAMES = FILTER_FIELDS | FIELD_ALIASES_REVERSE.keys()
SORTS = ("relevance", "newest", "oldest")


def expand_fuzzy(query: wq.Query, searcher: Searcher, *, max_edits: int = 2) -> wq.Query:
    """Replace fuzzy terms on stemmed fields by the stems of the index's words
    within the edit distance: ``immunty~`` finds "immunity" though its stem
    (``immun``) is two edits from the misspelling's (``immunti``).

    :param max_edits: fuzzy terms allowing more edits are left as they are, for
        :func:`searcher.query.checks.check_query` to refuse (looking for words ``oil~9``
        away would read every word of the index first).
    """
    return _expand_fuzzy(query, searcher, {}, max_edits)


def _expand_fuzzy(
    query: wq.Query,
    searcher: Searcher,
    near: dict[tuple[str, int, int], set[str]],
    max_edits: int,
) -> wq.Query:
    if (
        isinstance(query, wq.FuzzyTerm)
        and query.fieldname in STEMMED_FIELDS
        and query.maxdist <= max_edits
    ):
        key = (query.text, query.maxdist, query.prefixlength)
        if key not in near:  # title:word~ and body:word~ ask for the same words
            near[key] = near_words(searcher.reader(), *key)
        field = searcher.schema[query.fieldname]
        stems = sorted({t for w in near[key] for t in field.process_text(w, mode="query")})
        if not stems:
            return wq.NullQuery
        terms = [wq.Term(query.fieldname, stem, boost=query.boost) for stem in stems]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    return query.apply(lambda q: _expand_fuzzy(q, searcher, near, max_edits))


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
        :class:`~searcher.query.dates.DateClause`), in the restrictions and
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


def matching_docs(searcher: Searcher, query: wq.Query) -> set[int]:
    """Return the documents ``query`` matches, ignoring scores.

    Terms and term ranges are read as the union of their posting lists, and
    plain ``Or``/``And``/``AndNot`` combine sets: ten times faster than Whoosh's
    ``docs_for_query``, which steps matchers document by document (a month of
    Reuters: 9 ms against 130 ms). Anything else is left to Whoosh.
    """
    kind = type(query)
    if kind is wq.Or:
        return set().union(*(matching_docs(searcher, q) for q in query.subqueries))
    if kind is wq.And:
        sets = sorted((matching_docs(searcher, q) for q in query.subqueries), key=len)
        return set.intersection(*sets) if sets else set()
    if kind is wq.AndNot:
        return matching_docs(searcher, query.a) - matching_docs(searcher, query.b)
    if kind in (wq.Term, wq.TermRange):
        found: set[int] = set()
        for field, text in query.existing_terms(searcher.reader(), expand=True):
            found |= term_docs(searcher, field, text)
        return found
    if query is wq.NullQuery:
        return set()
    return set(searcher.docs_for_query(query))


def explain(query: wq.Query | None) -> str:
    """Return the query as text, with date ranges shown as ISO dates (and a
    range past the first or last date there is, ``date:>9999-12-31``, as ``NOTHING``)."""
    if query is None:
        return ""

    def iso(match: re.Match[str]) -> str:
        ends = [long_to_datetime(int(g)).isoformat() if g else "" for g in match.groups()]
        return f"date:[{ends[0]} TO {ends[1]}]"

    text = str(query).replace(str(wq.NullQuery), "NOTHING")
    return re.sub(r"date:\[(\d*) TO (\d*)\]", iso, text)


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


def sort_facet(sort: str) -> sorting.FacetType | None:
    """Return the Whoosh facet that sorts by ``sort`` (``None``: by relevance).

    :raises ValueError: ``sort`` is not one of :data:`SORTS`.
    """
    if require(sort, "sort", str, "a str") not in SORTS:
        names = ", ".join(repr(s) for s in SORTS[:-1]) + f" or {SORTS[-1]!r}"
        raise ValueError(f"sort must be {names}, not {sort!r}")
    if sort == "relevance":
        return None
    # Undated articles go last in both orders. (Whoosh's Every("date") would
    # say which are dated, but walks every numeric term: slow.)
    if sort == "oldest":
        return sorting.FieldFacet("date")  # an undated article sorts as the largest date
    # Newest first: by month, "" (undated) last, then by date.
    return sorting.MultiFacet(
        [sorting.FieldFacet("month", reverse=True), sorting.FieldFacet("date", reverse=True)]
    )
