"""Leftovers of the old clauses module, moving to the execute and present stages."""

from __future__ import annotations

import logging
import re

from whoosh import query as wq
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from searcher.store.postings import term_docs

LOGGER = logging.getLogger(__name__)


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
