"""The parse stage: query text checked, then read into a query tree.

A search box gets prose as often as syntax, and Whoosh's parser fails on some
inputs (``NOT NOT`` raises ``IndexError``, a thousand parentheses
``RecursionError``), silently drops others (``a NOT``, an unclosed quote) and
takes quadratic time on very long words. So:

1. :func:`check_text` refuses what no one means: text past the length limits,
   control characters;
2. :func:`searcher.query.prose.read_box` turns accidental syntax back into
   words (``systems?``, ``nutrition:``, ``a - b``, ``(unclosed``) and names
   what it changed;
3. the text is parsed with a safety net, and whatever the parser still drops
   with an error note becomes a :class:`~searcher.errors.QueryError`.

:func:`parse` runs them and hands a :class:`ParsedQuery` to the plan stage
(:mod:`searcher.query.plan`), whose checks against the index
(:mod:`searcher.query.checks`) come next. Every refusal is a one-line
:class:`~searcher.errors.QueryError` naming the culprit (quoted through
:func:`~searcher.text.safety.safe_text`); the notes name every word not
searched for, and why (:func:`~searcher.query.unsearched.dropped_words`).

Imports Whoosh's public parser, query and fields modules, ``searcher.schema``,
the floor, and :mod:`~searcher.query.limits`, :mod:`~searcher.query.syntax`
and :mod:`~searcher.query.prose`, :mod:`~searcher.query.unsearched`; no later stage.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.searching import Searcher

from searcher.errors import QueryError
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.prose import read_box
from searcher.query.syntax import (
    FIELD_ALIASES,
    MATCH_MODES,
    apply_exclusions,
    make_parser,
)
from searcher.query.unsearched import dropped_words
from searcher.schema import LEXICON
from searcher.text.safety import safe_text

LOGGER = logging.getLogger(__name__)

# Characters a person cannot mean in a search box: C0/C1 controls other than
# whitespace, and bidi/invisible format controls that disguise the text.
_CONTROL = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ParsedQuery:
    """What the parse stage hands to the plan stage.

    :param text: the query as typed.
    :param query: its query tree, ``NOT`` read as exclusion
        (:func:`~searcher.query.syntax.apply_exclusions`); ``None`` when the
        text has no words to search for, only exclusions or nothing (then the
        restrictions alone choose the articles, see :func:`searcher.query.plan.make_plan`).
    :param notes: what was read differently from how it was typed, and what is
        not searched for.
    :param parser: the parser that read it, to read respellings alike.
    :param excluded: what ``-word``/``NOT word`` exclude when they are all the
        text asks for (``query`` is then ``None``).
    """

    text: str
    query: wq.Query | None
    notes: tuple[str, ...]
    parser: qparser.QueryParser
    excluded: wq.Query | None = None


def parse(
    text: str,
    searcher: Searcher,
    *,
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
    syntax: bool = True,
    match: str = "any",
) -> ParsedQuery:
    """Check ``text`` and read it into a query tree, for the index ``searcher`` opens.

    :param now: the present, for relative dates in ``date:`` clauses.
    :param syntax: read query syntax where it is well formed; ``False``: the
        whole text is words.
    :param match: ``"any"`` word may match, or ``"all"`` must.
    :raises QueryError: the text is too long or too deep, has nothing to search
        for, or the parser failed on it.
    :raises DateError: a ``date:`` clause cannot be read.
    """
    if match not in MATCH_MODES:
        raise ValueError(f"match must be 'any' or 'all', not {match!r}")
    # The searcher's schema, read once: ix.schema re-reads the index's TOC.
    schema = searcher.schema
    check_text(text, limits=limits)
    parser = make_parser(searcher, now=now, match=match)
    if not text.strip():
        return ParsedQuery(text, None, (), parser)
    reading = read_box(text, query_fields(schema), syntax=syntax, limits=limits)
    notes = reading.notes + dropped_words(reading.words, schema["body"].analyzer)
    query, excluded = _parse_safely(parser, reading.text, text, notes)
    return ParsedQuery(text, query, notes, parser, excluded)


def searchable_fields(schema: Schema) -> frozenset[str]:
    """Return the names of the fields a query may search (stored-only ones and
    word lists excluded)."""
    return frozenset(
        name
        for name in schema.names()
        if schema[name].indexed and not isinstance(schema[name], LEXICON)
    )


def query_fields(schema: Schema) -> frozenset[str]:
    """Return the field names a query may name: the searchable fields and their aliases."""
    return (
        searchable_fields(schema)
        | FIELD_ALIASES.keys()
        | {alias for aliases in FIELD_ALIASES.values() for alias in aliases}
    )


def quoted(text: str, limit: int = 40) -> str:
    """A short, printable quotation of part of a query, for error messages."""
    text = safe_text(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# -- 1. the text -------------------------------------------------------------


def check_text(text: str, *, limits: QueryLimits = DEFAULT_LIMITS) -> None:
    """Refuse query text no one means, or that the parser would labour over:
    longer than the limits, or holding control characters.

    :raises QueryError: the first problem found, pointing at it.
    """
    if len(text) > limits.max_chars:
        raise QueryError(
            f"The query is {len(text):,} characters long; the limit is {limits.max_chars:,}."
        )
    control = _CONTROL.search(text)
    if control:
        raise QueryError(
            f"The query holds a control character ({safe_text(control.group())}) at "
            f"character {control.start() + 1}; remove it."
        )
    for word in _WORD.finditer(text):
        if len(word.group()) > limits.max_word_chars:
            raise QueryError(
                f"The word {quoted(word.group())} is {len(word.group()):,} characters long; "
                f"the limit is {limits.max_word_chars}."
            )


# -- 2. parsing --------------------------------------------------------------


def _parse_safely(
    parser: qparser.QueryParser, text: str, typed: str, notes: tuple[str, ...]
) -> tuple[wq.Query | None, wq.Query | None]:
    """Parse ``text`` (``typed`` as read by :func:`read_box`), turning parser
    crashes and dropped parts into errors.

    :returns: the query tree, or ``None`` and what is excluded when the text
        only excludes words.
    :raises QueryError: the parser failed, or dropped part of the query (such
        as a date it cannot read) that it would otherwise ignore silently, or
        nothing is left to search for.
    """
    try:
        tree = parser.parse(text, normalize=False)
    except RecursionError as exc:
        raise QueryError("The query nests too deeply to read; simplify it.") from exc
    except QueryError:
        raise  # our own plugins' errors (an unreadable date:) already say what is wrong
    except Exception as exc:
        # Whoosh's parser raises IndexError, AssertionError, ValueError and bare
        # Exception on odd input; read_box removes the known causes, this net
        # catches the rest so that no input gives a traceback.
        LOGGER.debug("parser failed on %r", text, exc_info=True)
        raise QueryError(f"Cannot read the query {quoted(typed)}: {safe_text(str(exc))}.") from exc
    for node, _ in query_nodes(tree):
        error = getattr(node, "error", None)
        if error:
            raise QueryError(f"Cannot read {_located(text, node)}: {safe_text(str(error))}.")
    excluded = _only_excluded(tree)
    if excluded is not None:
        return None, excluded
    query: wq.Query = _stop_words_not_required(tree).normalize()
    if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
        why = " ".join(notes) or (
            "stop words (the, a, of…), punctuation and symbols are not indexed."
        )
        raise QueryError(f"Nothing to search for in {quoted(typed)}: {why} Give other words.")
    return apply_exclusions(query), None


def _only_excluded(tree: wq.Query) -> wq.Query | None:
    """What ``tree`` excludes, when excluding words is all it does (``-immunity``)."""
    if type(tree) is wq.AndNot:  # what PlusMinusPlugin makes of -word: AndNot(Or([]), word)
        nothing = tree.a.normalize() is wq.NullQuery
        return tree.b.normalize() if nothing and tree.b.normalize() is not wq.NullQuery else None
    parts = [tree] if isinstance(tree, wq.Not) else None
    if type(tree) in (wq.Or, wq.And):
        # Stop words (``a -immunity``) are nothing to search for either.
        parts = [p for p in tree.subqueries if p.normalize() is not wq.NullQuery]
    if not parts or not all(isinstance(p, wq.Not) for p in parts):
        return None
    excluded: wq.Query = wq.Or([p.query for p in parts]).normalize()
    return None if excluded is wq.NullQuery else excluded


def _stop_words_not_required(node: wq.Query) -> wq.Query:
    """``node`` without requirements that are only stop words: ``oil +the``
    searches for oil (PlusMinusPlugin makes ``AndMaybe(And([Or([])]), oil)`` of
    it, which Whoosh normalizes to nothing at all)."""
    if isinstance(node, wq.AndMaybe) and node.a.normalize() is wq.NullQuery:
        return _stop_words_not_required(node.b)
    if isinstance(node, wq.Require) and node.b.normalize() is wq.NullQuery:
        return _stop_words_not_required(node.a)
    return node.apply(_stop_words_not_required)


def _located(text: str, node: wq.Query) -> str:
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        field = re.search(r"(\w+):$", text[:start])
        where = f" in field {field.group(1)}" if field else ""
        return f"{quoted(text[start:end])} at character {start + 1}{where}"
    return quoted(text)


def query_nodes(root: wq.Query) -> Iterator[tuple[wq.Query, int]]:
    """Every node of a query tree with its depth, without recursion."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in node.children())
