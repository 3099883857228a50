"""The plan stage's checks: a parsed query held against the index, so that it
cannot run away.

Whoosh expands ``?*`` or ``*a*`` to every word of the index, and ``oil~9``
walks its whole word list. :func:`check_query` runs after parsing, on the
query to be run (restrictions taken out, fuzzy words expanded), mirroring
Elasticsearch's ``max_clause_count`` and ``max_expansions``: clause count,
boosts, fuzzy edit distance, and how many words each wildcard, prefix, fuzzy
term or range expands to. Whatever still runs is held to
:func:`searcher.text.deadline.time_budget`. The limits are data,
:class:`~searcher.query.limits.QueryLimits`.

Imports Whoosh's public query and reading modules, the floor, and
:mod:`~searcher.query.limits` and :mod:`~searcher.query.parse` (its way of
walking and quoting a query); no later stage.
"""

from __future__ import annotations

import logging
import math
import re
from itertools import islice

from whoosh import query as wq
from whoosh.reading import IndexReader

from searcher.errors import QueryError
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.parse import query_nodes, quoted

LOGGER = logging.getLogger(__name__)


def check_query(
    query: wq.Query, reader: IndexReader, *, limits: QueryLimits = DEFAULT_LIMITS
) -> None:
    """Reject a parsed query that would run away on this index.

    Counts leaf clauses, checks boosts and fuzzy edit distances, and counts the
    index words each wildcard, prefix, fuzzy term or range stands for (stopping
    at the limit, so the count itself stays cheap).

    :raises QueryError: the first limit exceeded, naming the clause.
    """
    clauses = 0
    for node, depth in query_nodes(query):
        if depth > limits.max_depth * 2 + 8:  # operators add a level or two per group
            raise QueryError(f"The query nests too deeply (over {limits.max_depth}); simplify it.")
        boost = getattr(node, "boost", 1.0)
        if not isinstance(boost, int | float) or not math.isfinite(boost):
            raise QueryError(f"The boost of {_clause(node)} is not a number; use e.g. ^2.")
        if not 0 <= boost <= limits.max_boost:
            raise QueryError(
                f"The boost ^{boost:g} of {_clause(node)} is out of range; "
                f"use 0 to {limits.max_boost:g}."
            )
        if isinstance(node, wq.Term) and node.text in ("", b""):
            raise QueryError(
                f"{_clause(node)} searches for nothing; a range needs a start or an end."
            )
        if isinstance(node, wq.Every) and node.fieldname:
            raise QueryError(
                f"{_clause(node)} matches every article that has a {node.fieldname} field; "
                f"give a word to search for."
            )
        if node.is_leaf():
            clauses += 1
        if isinstance(node, wq.MultiTerm):
            clauses += _check_expansion(node, reader, limits)
        if clauses > limits.max_clauses:
            raise QueryError(
                f"The query has more than {limits.max_clauses:,} clauses (each word counts "
                f"once per field searched, each wildcard once per word it matches); "
                f"shorten it."
            )


def _clause(node: wq.Query) -> str:
    return quoted(str(node))


_EXPANSION_HINTS = (
    (wq.TermRange, "narrow the range"),
    (wq.FuzzyTerm, "use fewer edits or a longer word"),
    (wq.Regex, "make the pattern more specific"),
)


def _check_expansion(node: wq.MultiTerm, reader: IndexReader, limits: QueryLimits) -> int:
    """Check one multi-word clause; return how many words it expands to."""
    if isinstance(node, wq.FuzzyTerm) and node.maxdist > limits.max_fuzzy_edits:
        raise QueryError(
            f"{_clause(node)} allows {node.maxdist:g} edits; the limit is "
            f"{limits.max_fuzzy_edits} (write ~1 or ~2)."
        )
    if isinstance(node, wq.Regex) and len(node.text) > limits.max_word_chars:
        raise QueryError(
            f"The pattern {_clause(node)} is longer than {limits.max_word_chars} characters."
        )
    if isinstance(node, wq.PatternQuery) and not node.text.strip("*?"):
        raise QueryError(
            f"{_clause(node)} matches every word; put letters in the pattern, e.g. immun*."
        )
    if node.field() not in reader.schema:
        return 0
    try:
        found = sum(1 for _ in islice(node.expanded_terms(reader), limits.max_expansions + 1))
    except re.error as exc:
        raise QueryError(f"{_clause(node)} is not a valid pattern ({exc}).") from exc
    if found > limits.max_expansions:
        hint = next(
            (h for kind, h in _EXPANSION_HINTS if isinstance(node, kind)),
            "put more letters before the * or ?",
        )
        raise QueryError(
            f"{_clause(node)} matches more than {limits.max_expansions:,} words in the index; "
            f"{hint}."
        )
    return found
