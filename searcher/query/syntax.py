"""The query language: the parser and its plugins, and the reading of ``NOT``.

Search-box semantics over Whoosh's syntax: any word may match (an ``Or`` with a
coordination bonus), ``+word``/``-word`` only at a word's start, ``date:``
clauses read by our rules (:mod:`searcher.query.dates`), ``word~`` fuzzy terms
kept unstemmed, and ``section:``/``topic:`` for the ``keywords`` field.

Imports Whoosh's public parser and query modules, ``searcher.analysis`` (to
fold fuzzy words), ``searcher.schema`` (the fields without positions) and
:mod:`searcher.query.dates`; no other stage.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.qparser import syntax
from whoosh.qparser.plugins import TaggingPlugin
from whoosh.searching import Searcher

from searcher.analysis import fold
from searcher.query.dates import clause_query
from searcher.schema import REPEATED_FIELDS

#: Fields a bare word is looked up in (``byline:``/``source:``/``keywords:`` by name).
DEFAULT_FIELDS = ("title", "body")
#: Coordination bonus: with it, a document matching more query words ranks higher.
OR_BONUS = 0.9
#: ``section:politics`` and ``topic:cocoa`` search the ``keywords`` field.
FIELD_ALIASES = {"keywords": ["section", "sections", "topic", "topics", "keyword"]}
#: The fields the README and messages name (the index has more, for its own use).
DOCUMENTED_FIELDS = ("title", "body", "byline", "source", "section")
#: How the words of a query combine: ``any`` may match (ranked by how many
#: do), or ``all`` must.
MATCH_MODES = ("any", "all")
FIELD_ALIASES_REVERSE = {alias: f for f, aliases in FIELD_ALIASES.items() for alias in aliases}
#: A ``date:`` clause in query text: ``date:2011-10``, ``date:>="2011-10-17 14:30"``,
#: ``date:[2011-10-01 TO 2011-10-31]``.
CLAUSE_EXPR = (
    r"(?i)(?<![\w:])date:(?P<value>\[[^\]]*\]"
    r"|(?:>=|<=|>|<)?(?:\"[^\"]*\"|'[^']*'|[^\s()]+))"
)
_WORD_START = r"(?:^|(?<=[\s(]))"


class FuzzyWordPlugin(qparser.FuzzyTermPlugin):  # type: ignore[misc]
    """``word~`` and ``word~2``: the word is kept unstemmed (folded) so that
    :func:`searcher.query.fuzzy.expand_fuzzy` can look it up among the index's
    unstemmed words."""

    class FuzzyTermNode(qparser.FuzzyTermPlugin.FuzzyTermNode):  # type: ignore[misc]
        def query(self, parser: Any) -> wq.Query:
            return wq.FuzzyTerm(
                self.fieldname or parser.fieldname,
                fold(self.text),
                boost=self.boost,
                maxdist=self.maxdist,
                prefixlength=self.prefixlength,
            )


class DateClause(wq.WrappingQuery):  # type: ignore[misc]
    """The query of one ``date:`` clause, marked as such until
    :func:`searcher.query.restrictions.split_restrictions` takes it out of the
    query to restrict the results.

    Its shape cannot tell it: Whoosh's ``normalize`` makes a one-day range a
    ``Term`` and merges a clause's parts (a time of day, then whole days) into
    the ``Or`` around it, after which the clause read as one more search term
    and widened the results. The mark keeps the clause whole and unnormalized.
    """

    @property
    def boost(self) -> float:
        return float(self.child.boost)

    def normalize(self) -> DateClause:
        return self

    def __eq__(self, other: object) -> bool:
        return type(other) is DateClause and self.child == other.child

    def __hash__(self) -> int:
        return hash(("date", self.child))

    def __str__(self) -> str:
        return str(self.child)


class DateClauseNode(syntax.SyntaxNode):  # type: ignore[misc]
    """A ``date:`` clause in the query text, read by
    :func:`searcher.query.dates.clause_query`."""

    has_fieldname = False
    has_text = False
    has_boost = False

    def __init__(self, value: str, now: datetime | None) -> None:
        self.value = value
        self.now = now

    def r(self) -> str:
        return f"date:{self.value}"

    def query(self, parser: Any) -> DateClause:
        return DateClause(clause_query(self.value, now=self.now))


class DateClausePlugin(TaggingPlugin):  # type: ignore[misc]
    """Reads ``date:`` clauses by our rules, before Whoosh's field and range
    plugins see them (Whoosh widens or drops dates it half understands)."""

    priority = -10
    expr = CLAUSE_EXPR

    def __init__(self, now: datetime | None = None) -> None:
        super().__init__()
        self.now = now

    def create(self, parser: Any, match: re.Match[str]) -> DateClauseNode:
        return DateClauseNode(match["value"], self.now)


def phrase_or_words(
    fieldname: str,
    words: list[str],
    slop: int = 1,
    boost: float = 1.0,
    char_ranges: list[tuple[int, int]] | None = None,
) -> wq.Query:
    """The parser's phrase class: Whoosh's ``Phrase``, except in a field of
    :data:`~searcher.schema.REPEATED_FIELDS` (``lead``), which keeps no positions:
    there the articles whose field holds every word of the phrase and whose
    title or body holds the phrase itself."""
    phrase = wq.Phrase(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)
    sources = REPEATED_FIELDS.get(fieldname)
    if sources is None or len(words) < 2:
        return phrase
    holds = [wq.Term(fieldname, word) for word in words]
    found = [wq.Phrase(name, words, slop=slop, char_ranges=char_ranges) for name in sources]
    return wq.And([*holds, wq.Or(found)], boost=boost)


def make_parser(
    ix: FileIndex | Searcher,
    fields: Sequence[str] = DEFAULT_FIELDS,
    *,
    now: datetime | None = None,
    match: str = "any",
) -> qparser.QueryParser:
    """Return the query parser: search-box semantics (any word may match), Whoosh
    syntax, our ``date:`` clauses, ``word~`` fuzzy terms, ``section:`` for keywords.

    :param ix: the index, or an open searcher (cheaper: ``FileIndex.schema``
        re-reads the index's table of contents on every use).

    :param now: the present, for relative dates in ``date:`` clauses.
    :param match: ``"any"``: any word may match; ``"all"``: every word must.
    """
    group = qparser.AndGroup if match == "all" else qparser.OrGroup.factory(OR_BONUS)
    parser = qparser.MultifieldParser(list(fields), ix.schema, group=group)
    # 'single quotes' would make one term of several words, which matches
    # nothing: in a search box they are punctuation (or apostrophes).
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    parser.phraseclass = phrase_or_words
    # +word is required and -word excluded, but only at a word's start, so
    # "US-Iraq" and "make-or-break" stay words.
    parser.add_plugin(
        qparser.PlusMinusPlugin(plusexpr=_WORD_START + r"\+", minusexpr=_WORD_START + "-")
    )
    parser.add_plugin(DateClausePlugin(now))
    parser.add_plugin(FuzzyWordPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


def apply_exclusions(query: wq.Query) -> wq.Query:
    """Make ``NOT`` exclude, as in a search box: ``troops NOT panetta`` is troops
    without panetta, not "troops, or anything without panetta" (Whoosh's reading)."""
    if isinstance(query, wq.Or):
        parts = [apply_exclusions(q) for q in query.subqueries]
        negated = [q.query for q in parts if isinstance(q, wq.Not)]
        positive = [q for q in parts if not isinstance(q, wq.Not)]
        rebuilt = copy.copy(query)
        rebuilt.subqueries = positive or parts
        if negated and positive:
            exclusion = negated[0] if len(negated) == 1 else wq.Or(negated)
            return wq.AndNot(rebuilt, exclusion)
        return rebuilt
    if isinstance(query, wq.CompoundQuery):
        rebuilt = copy.copy(query)
        rebuilt.subqueries = [apply_exclusions(q) for q in query.subqueries]
        return rebuilt
    return query
