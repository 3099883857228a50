"""The parse stage: query text checked, then read into a query tree.

Whoosh's parser fails on some inputs (``NOT NOT`` raises ``IndexError``, a
thousand parentheses ``RecursionError``), silently drops others (``a NOT``,
an unclosed quote, a date it cannot read) and takes quadratic time on very
long words. So, mirroring Elasticsearch's ``max_regex_length``:

1. :func:`check_text` before parsing: length, control characters, quotes,
   parentheses, dangling operators, unknown fields;
2. the text is parsed with a safety net, and whatever the parser dropped with
   an error note becomes a :class:`~searcher.errors.QueryError`.

:func:`parse` runs both and hands a :class:`ParsedQuery` to the plan stage
(:mod:`searcher.query.plan`), whose checks against the index
(:mod:`searcher.query.checks`) come next. Every check raises a
:class:`~searcher.errors.QueryError` whose one-line message names the culprit
(quoted through :func:`~searcher.text.safety.safe_text`); :func:`query_notes`
lists the words the parser drops on purpose (stop words).

Imports Whoosh's public parser, query and fields modules, ``searcher.schema``,
the floor, and :mod:`~searcher.query.limits` and :mod:`~searcher.query.syntax`;
no later stage.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.searching import Searcher

from searcher.errors import QueryError
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.syntax import (
    CLAUSE_EXPR,
    FIELD_ALIASES,
    apply_exclusions,
    make_parser,
)
from searcher.schema import LEXICON
from searcher.text.safety import safe_text

LOGGER = logging.getLogger(__name__)

#: Whoosh's infix operators, upper case as its parser wants them.
BINARY_OPERATORS = frozenset({"AND", "OR", "ANDNOT", "ANDMAYBE"})
NOT_OPERATOR = "NOT"

# Characters a person cannot mean in a search box: C0/C1 controls other than
# whitespace, and bidi/invisible format controls that disguise the text.
_CONTROL = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_WORD = re.compile(r"\S+")
_FIELD = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>\S*)")
# Lexical pieces outside phrases: quotes, parentheses and the words between.
_PIECE = re.compile(r'"|\(|\)|[^\s()"]+')
_DATE_CLAUSE = re.compile(CLAUSE_EXPR)


@dataclass(frozen=True)
class ParsedQuery:
    """What the parse stage hands to the plan stage.

    :param text: the query as typed.
    :param query: its query tree, ``NOT`` read as exclusion
        (:func:`~searcher.query.syntax.apply_exclusions`).
    :param notes: what is not searched for (:func:`query_notes`).
    :param parser: the parser that read it, to read respellings alike.
    """

    text: str
    query: wq.Query
    notes: tuple[str, ...]
    parser: qparser.QueryParser


def parse(
    text: str,
    searcher: Searcher,
    *,
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
) -> ParsedQuery:
    """Check ``text`` and read it into a query tree, for the index ``searcher`` opens.

    :param now: the present, for relative dates in ``date:`` clauses.
    :raises QueryError: the text is malformed or too costly to parse, or the
        parser failed on it or dropped part of it.
    :raises DateError: a ``date:`` clause cannot be read.
    """
    # The searcher's schema, read once: ix.schema re-reads the index's TOC.
    schema = searcher.schema
    check_text(text, fields=query_fields(schema), limits=limits)
    notes = query_notes(text, schema["body"].analyzer)
    parser = make_parser(searcher, now=now)
    return ParsedQuery(text, apply_exclusions(_parse_safely(parser, text)), notes, parser)


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


def check_text(
    text: str, *, fields: Collection[str] = (), limits: QueryLimits = DEFAULT_LIMITS
) -> None:
    """Reject query text the parser would crash on, drop silently, or labour over.

    :param fields: the field names a ``name:`` prefix may use; empty to skip
        that check.
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
    _check_structure(text, fields, limits)
    for word in _WORD.finditer(text):
        if len(word.group()) > limits.max_word_chars:
            raise QueryError(
                f"The word {quoted(word.group())} is {len(word.group()):,} characters long; "
                f"the limit is {limits.max_word_chars}."
            )


def _check_structure(text: str, fields: Collection[str], limits: QueryLimits) -> None:
    """Quotes, parentheses, operators and fields, outside quoted phrases."""
    depth = 0
    opened: list[int] = []
    # Each entry: (kind, text, position); kind is "op", "not", "(", ")" or "term".
    pieces: list[tuple[str, str, int]] = []
    in_quote_at = -1
    range_at = -1
    for piece in _PIECE.finditer(text):
        value, at = piece.group(), piece.start()
        if in_quote_at >= 0:
            if value == '"':
                pieces.append(("term", text[in_quote_at : at + 1], in_quote_at))
                in_quote_at = -1
            continue
        if value == '"':
            in_quote_at = at
        elif value == "(":
            depth += 1
            opened.append(at)
            if depth > limits.max_depth:
                raise QueryError(
                    f"Parentheses nest more than {limits.max_depth} deep "
                    f"(character {at + 1}); simplify the query."
                )
            pieces.append(("(", value, at))
        elif value == ")":
            if not opened:
                raise QueryError(
                    f"The ')' at character {at + 1} closes nothing; remove it or add a '('."
                )
            opened.pop()
            depth -= 1
            pieces.append((")", value, at))
        elif not value.strip("+-"):
            raise QueryError(
                f"The {value!r} at character {at + 1} is not attached to a word; "
                f"write -word to exclude a word, +word to require it."
            )
        elif value in BINARY_OPERATORS:
            pieces.append(("op", value, at))
        elif value == NOT_OPERATOR:
            pieces.append(("not", value, at))
        else:
            range_at = _check_range(value, at, range_at)
            _check_field(value, at, text[at + len(value) : at + len(value) + 1], fields)
            pieces.append(("term", value, at))
    if in_quote_at >= 0:
        raise QueryError(
            f'The quote at character {in_quote_at + 1} is never closed; add a closing ".'
        )
    if range_at >= 0:
        raise QueryError(
            f"The range opened at character {range_at + 1} is never closed; "
            f"write [start TO end] with ] or }}."
        )
    if opened:
        raise QueryError(
            f"The '(' at character {opened[-1] + 1} is never closed; add a ')' or remove it."
        )
    _check_operators(pieces)


def _check_range(word: str, at: int, range_at: int) -> int:
    """Track ``[a TO b]``/``{a TO b}`` brackets; return where the open range began, or -1."""
    for offset, char in enumerate(word):
        if char in "[{":
            range_at = at + offset
        elif char in "]}":
            if range_at < 0:
                raise QueryError(
                    f"The {char!r} at character {at + offset + 1} closes no range; "
                    f"remove it or open the range with [ or {{."
                )
            range_at = -1
    return range_at


def _check_field(word: str, at: int, following: str, fields: Collection[str]) -> None:
    match = _FIELD.match(word.lstrip("+-"))
    if not match or not fields:
        return
    name, rest = match.group("name"), match.group("rest")
    if name not in fields:
        known = ", ".join(sorted(fields))
        raise QueryError(
            f"Unknown field {quoted(name)} at character {at + 1}; fields are {known} "
            f'(put the words in quotes to search for "{safe_text(name)}:" itself).'
        )
    if not rest and following not in ('"', "("):
        raise QueryError(
            f"Nothing follows {quoted(name + ':')} at character {at + 1}; "
            f"give a word, e.g. {safe_text(name)}:word."
        )


def _check_operators(pieces: list[tuple[str, str, int]]) -> None:
    """Binary operators need an operand on each side, NOT one after it."""
    operand_ends = {"term", ")"}
    operand_starts = {"term", "(", "not"}
    for i, (kind, value, at) in enumerate(pieces):
        before = pieces[i - 1][0] if i else None
        after = pieces[i + 1][0] if i + 1 < len(pieces) else None
        if kind == "op" and (before not in operand_ends or after not in operand_starts):
            side = "before" if before not in operand_ends else "after"
            raise QueryError(
                f"{value} at character {at + 1} has nothing to join {side} it; "
                f'remove it or quote it ("{value.lower()}") to search for the word.'
            )
        if kind == "not" and after not in operand_starts:
            raise QueryError(
                f"NOT at character {at + 1} has nothing to exclude after it; "
                f'remove it or write "not" to search for the word.'
            )


_PLAIN_WORD = re.compile(r"[+-]?(?:[A-Za-z_]\w*:)?(?P<word>[^*?~^\[\]{}:'\\]+)")


def query_notes(text: str, analyzer: Callable[..., Iterable[Any]]) -> tuple[str, ...]:
    """Return one-line notes on words of ``text`` that are not searched for.

    Stop words and symbols (``the``, ``😀``) are not indexed, so the parser
    drops them; the caller shows these notes so that nothing is dropped
    silently. Quoted phrases and operators are not looked at.

    :param analyzer: the analyzer of the default field (``schema["body"].analyzer``).
    """
    # A date: clause is dates, not words ("TO" in a range is no stop word there).
    unquoted = re.sub(r'"[^"]*"', " ", _DATE_CLAUSE.sub(" ", text))
    dropped: list[str] = []
    for piece in _PIECE.finditer(unquoted):
        value = piece.group()
        plain = _PLAIN_WORD.fullmatch(value)
        if value in BINARY_OPERATORS or value == NOT_OPERATOR or not plain:
            continue
        if (
            not any(True for _ in analyzer(plain.group("word"), mode="query"))
            and value not in dropped
        ):
            dropped.append(value)
    if not dropped:
        return ()
    words = ", ".join(safe_text(w) for w in dropped[:10]) + (" …" if len(dropped) > 10 else "")
    return (f"Not searched for (stop words and symbols are not indexed): {words}",)


# -- 2. parsing --------------------------------------------------------------


def _parse_safely(parser: qparser.QueryParser, text: str) -> wq.Query:
    """Parse ``text``, turning parser crashes and dropped parts into errors.

    :raises QueryError: the parser failed, or dropped part of the query (such
        as a date it cannot read) that it would otherwise ignore silently.
    """
    try:
        tree = parser.parse(text, normalize=False)
    except RecursionError as exc:
        raise QueryError("The query nests too deeply to read; simplify it.") from exc
    except QueryError:
        raise  # our own plugins' errors (an unreadable date:) already say what is wrong
    except Exception as exc:
        # Whoosh's parser raises IndexError, AssertionError, ValueError and bare
        # Exception on odd input; the text checks catch the known cases, this
        # net catches the rest so that no input gives a traceback.
        LOGGER.debug("parser failed on %r", text, exc_info=True)
        raise QueryError(f"Cannot read the query {quoted(text)}: {safe_text(str(exc))}.") from exc
    for node, _ in query_nodes(tree):
        error = getattr(node, "error", None)
        if error:
            raise QueryError(f"Cannot read {_located(text, node)}: {safe_text(str(error))}.")
    query: wq.Query = tree.normalize()
    if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
        raise QueryError(
            f"Nothing to search for in {quoted(text)}: stop words (the, a, of…), "
            f"punctuation and symbols are not indexed; give other words."
        )
    return query


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
