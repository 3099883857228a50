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

import copy
import logging
import math
import re
from itertools import islice

from whoosh import query as wq
from whoosh.reading import IndexReader

from searcher.errors import QueryError
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.parse import query_nodes, quoted
from searcher.text.safety import safe_text

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


def fit_clauses(
    query: wq.Query, reader: IndexReader, text: str, *, limits: QueryLimits = DEFAULT_LIMITS
) -> tuple[wq.Query, str | None]:
    """Keep a long query of words within the clause limit: past it, keep the
    most informative words (the rarest in the index, by IDF) and say so.

    A pasted paragraph, or a 335-word question, would otherwise be refused.
    Only the words of a plain ``Or``/``And`` of words are chosen among; phrases,
    patterns and groups are always kept (and :func:`check_query` refuses a
    query that is still too large).

    :param text: the query as typed, to name the words left out as typed.
    :returns: the query to run, and a note when words were left out.
    """
    leaves = sum(1 for node, _ in query_nodes(query) if node.is_leaf())
    if leaves <= limits.max_clauses or type(query) not in (wq.Or, wq.And):
        return query, None
    fixed: list[wq.Query] = []
    words: dict[str, list[wq.Query]] = {}  # a word's stem -> its clauses (one per field)
    for part in query.subqueries:
        terms = [node for node, _ in query_nodes(part) if node.is_leaf()]
        if all(type(t) is wq.Term for t in terms) and len({t.text for t in terms}) == 1:
            words.setdefault(terms[0].text, []).append(part)
        else:
            fixed.append(part)
    budget = limits.max_clauses - sum(
        1 for part in fixed for node, _ in query_nodes(part) if node.is_leaf()
    )

    def rarity(stem: str) -> tuple[bool, int]:
        # A word the index lacks cannot match: it goes last, not first.
        found = max(reader.doc_frequency(f, stem) for f in reader.schema.names() if f in _TEXT)
        return found == 0, found

    kept: set[str] = set()
    for stem in sorted(words, key=rarity):
        cost = sum(1 for part in words[stem] for node, _ in query_nodes(part) if node.is_leaf())
        if cost <= budget:
            kept.add(stem)
            budget -= cost
    if not kept:
        return query, None
    left_out = [stem for stem in words if stem not in kept]
    rebuilt = copy.copy(query)
    rebuilt.subqueries = [part for part in query.subqueries if part in fixed or _stem(part) in kept]
    shown = [_typed(words[stem][0], text) for stem in left_out]
    listed = ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")
    return rebuilt, (
        f"The query has {len(words) + len(fixed):,} words, more than the "
        f"{limits.max_clauses:,} clauses a query may have (a word counts once per field "
        f"searched): it searched for the {len(kept):,} most informative (the rarest in "
        f"the index) and left out {listed}."
    )


#: The fields whose document frequencies rank words for :func:`fit_clauses`.
_TEXT = frozenset({"title", "body"})


def _stem(part: wq.Query) -> str | None:
    terms = [node for node, _ in query_nodes(part) if node.is_leaf()]
    return terms[0].text if terms and type(terms[0]) is wq.Term else None


def _typed(part: wq.Query, text: str) -> str:
    """A word as typed, from its clause's place in the text (else its stem)."""
    for node, _ in query_nodes(part):
        start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            return safe_text(text[start:end])
    return safe_text(str(_stem(part)))


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
