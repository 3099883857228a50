"""Reading a search box: syntax where it is well formed and meant, words everywhere else.

People type prose ("What is information science?  Give definitions.",
"nutrition: what is known", "a - b", "(unclosed") and paste questions. Read as
Whoosh syntax, prose fails (an unclosed bracket, a lone ``-``) or, worse, goes
silently wrong (``systems?`` is a wildcard that matches nothing; ``Examples:``
names a field). :func:`read_box` rewrites the text so that the parser sees
syntax only where it is well formed and meaningful:

* ``field:`` only for a field the index has, followed by a value; otherwise the
  colon is punctuation;
* ``*`` and ``?`` are wildcards only after :data:`MIN_WILDCARD_LETTERS` letters,
  and ``?`` only inside a word (a trailing ``?`` is a question mark);
* a lone ``-``/``+``, a bracket or quote that is never closed, an operator with
  nothing to join: punctuation or a word, never an error;
* a query with no lower-case letter (``KENNEDY AND DIEM``) is shouted prose:
  ``AND``/``OR``/``NOT`` are words there;
* a word joined by ``&`` (``AT&T``, ``S&P``) is searched as a phrase of its parts;
* with ``syntax=False`` the whole text is words.

Degraded syntax is named in a note, and so is every word that is not searched
for, with why (:func:`searcher.query.unsearched.dropped_words`). The rewrite
keeps character positions (changed characters become spaces) except where a
phrase is added.

Imports :mod:`searcher.query.syntax` (its date clauses and field names), the
limits and the floor; nothing of Whoosh.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

from searcher.errors import QueryError
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.syntax import CLAUSE_EXPR, DOCUMENTED_FIELDS
from searcher.text.safety import safe_text

#: Whoosh's infix operators, upper case as its parser wants them.
BINARY_OPERATORS = frozenset({"AND", "OR", "ANDNOT", "ANDMAYBE"})
NOT_OPERATOR = "NOT"
#: Letters a word needs before a ``*`` or ``?`` for it to be a wildcard.
MIN_WILDCARD_LETTERS = 3
#: Fields whose words the body analyzer reads (the others are names or labels).
TEXT_FIELDS = frozenset({"", "title", "body", "lead"})

# Pieces of a query: a date: clause (whole), a closed phrase, a lone quote,
# brackets, and the runs of anything else between spaces.
_LEX = re.compile(
    rf'(?P<clause>{CLAUSE_EXPR.removeprefix("(?i)")})|(?P<phrase>"[^"]*")|"|\(|\)|[^\s()"]+',
    re.IGNORECASE,
)
_FIELD = re.compile(r"([A-Za-z_]\w*):")
_SUFFIX = re.compile(r"(~\d?(?:/\d+)?|\^[\d.]*)$")
#: A word joined by ``&`` (``AT&T``, ``S&P``): searched as a phrase of its parts.
AMPERSAND_WORD = re.compile(r"^\w+(?:&\w+)+(?:'\w+)?$")
# What a word is when the whole text is words: these are syntax everywhere.
_PLAIN_SYNTAX = re.compile(r"[\"()\[\]{}:*?~^]|(?:^|(?<=\s))[+-]+")


@dataclass(frozen=True)
class Reading:
    """What :func:`read_box` made of a search box.

    :param text: the text for the parser.
    :param notes: syntax that was read as words instead, and why.
    :param words: the words searched for in the body and title, as typed, with
        the syntax around them taken off (for :func:`~searcher.query.unsearched.dropped_words`).
    :param operators: the pieces read as operators or brackets (never reported
        as dropped words).
    """

    text: str
    notes: tuple[str, ...]
    words: tuple[str, ...]


class _Piece:
    """One piece of the text: ``kind`` is clause, phrase, quote, (, ) or word;
    ``role`` (words only) is term, op or not; ``out`` is what the parser gets."""

    __slots__ = ("at", "kind", "out", "role", "text")

    def __init__(self, kind: str, text: str, at: int) -> None:
        self.kind, self.text, self.at, self.out, self.role = kind, text, at, text, "term"

    def drop(self) -> None:
        self.out = " " * len(self.text)


def read_box(
    text: str,
    fields: Collection[str],
    *,
    syntax: bool = True,
    limits: QueryLimits = DEFAULT_LIMITS,
) -> Reading:
    """Return what the parser should read of the search box ``text``.

    :param fields: the field names a ``name:`` prefix may use.
    :param syntax: read syntax where it is well formed; ``False``: every
        character is a word or punctuation.
    :raises QueryError: brackets nest deeper than the limit.
    """
    pieces = _lex(text)
    notes: list[str] = []
    if syntax:
        _pair_brackets(pieces, notes, limits)
        _pair_ranges(pieces)
        _mark_operators(pieces, notes, shouting=not any(c.islower() for c in text))
    words: list[str] = []
    for i, piece in enumerate(pieces):
        if piece.kind == "clause" and not syntax:
            piece.kind = "word"
        if piece.kind in ("(", ")", "quote") and not syntax:
            piece.drop()
        elif piece.kind == "quote":
            piece.drop()
            notes.append(
                f"The quote at character {piece.at + 1} is never closed, so it was read "
                f"as punctuation."
            )
        elif piece.kind == "phrase" and not syntax:
            piece.out = " " + piece.text[1:-1] + " "
            words += piece.text[1:-1].split()
        elif piece.kind == "word" and piece.role == "term":
            following = pieces[i + 1] if i + 1 < len(pieces) else None
            attached = (
                following is not None
                and following.at == piece.at + len(piece.text)
                and following.kind in ("phrase", "(")
                and following.out.strip() != ""
            )
            if syntax:
                piece.out, word = _read_word(piece, fields, attached, notes)
            else:
                piece.out = _plain_word(piece.text)
                word = piece.out.replace('"', " ")
            if word is not None:
                words.append(word)
    return Reading(_joined(text, pieces), tuple(notes), tuple(words))


def _lex(text: str) -> list[_Piece]:
    pieces = []
    for match in _LEX.finditer(text):
        value = match.group()
        if match.group("clause"):
            kind = "clause"
        elif match.group("phrase"):
            kind = "phrase"
        elif value == '"':
            kind = "quote"
        elif value in "()":
            kind = value
        else:
            kind = "word"
        pieces.append(_Piece(kind, value, match.start()))
    return pieces


def _joined(text: str, pieces: list[_Piece]) -> str:
    """The text with each piece replaced by what the parser gets of it."""
    out, end = [], 0
    for piece in pieces:
        out += [text[end : piece.at], piece.out]
        end = piece.at + len(piece.text)
    out.append(text[end:])
    return "".join(out)


def _pair_brackets(pieces: list[_Piece], notes: list[str], limits: QueryLimits) -> None:
    """Unmatched ``(`` and ``)`` become spaces; too deep a nesting is refused."""
    opened: list[_Piece] = []
    for piece in pieces:
        if piece.kind == "(":
            opened.append(piece)
            if len(opened) > limits.max_depth:
                raise QueryError(
                    f"Parentheses nest more than {limits.max_depth} deep "
                    f"(character {piece.at + 1}); simplify the query."
                )
        elif piece.kind == ")":
            if opened:
                opened.pop()
            else:
                piece.drop()
                notes.append(
                    f"The ')' at character {piece.at + 1} closes nothing, so it was read "
                    f"as punctuation."
                )
    for piece in opened:
        piece.drop()
        notes.append(
            f"The '(' at character {piece.at + 1} is never closed, so it was read as punctuation."
        )


def _pair_ranges(pieces: list[_Piece]) -> None:
    """``[a TO b]``/``{a TO b}`` brackets: any not part of an opened-and-closed
    range within the words becomes a space (``[sic]`` stays: Whoosh reads it as sic)."""
    opened: tuple[_Piece, int] | None = None
    for piece in pieces:
        if piece.kind != "word":
            continue
        for offset, char in enumerate(piece.text):
            if char in "[{":
                if opened is not None:
                    _blank(*opened)
                opened = (piece, offset)
            elif char in "]}":
                if opened is None:
                    _blank(piece, offset)
                opened = None
    if opened is not None:
        _blank(*opened)


def _blank(piece: _Piece, offset: int) -> None:
    piece.text = piece.out = piece.text[:offset] + " " + piece.text[offset + 1 :]


def _mark_operators(pieces: list[_Piece], notes: list[str], *, shouting: bool) -> None:
    """Mark ``AND``/``OR``/``NOT`` as operators where they join something; the
    rest (and all of them in a text without lower case) are words."""
    live = [p for p in pieces if p.out.strip()]
    for piece in live:
        if piece.kind == "word" and not shouting:
            if piece.text in BINARY_OPERATORS:
                piece.role = "op"
            elif piece.text == NOT_OPERATOR:
                piece.role = "not"

    def kind(i: int) -> str | None:
        if not 0 <= i < len(live):
            return None
        piece = live[i]
        return piece.role if piece.kind in ("word", "clause", "phrase") else piece.kind

    for i, piece in enumerate(live):
        if piece.role == "term":
            continue
        before, after = kind(i - 1), kind(i + 1)
        if piece.role == "op" and before in ("term", ")") and after in ("term", "(", "not"):
            continue
        if piece.role == "not" and after in ("term", "("):
            continue
        side = "after" if piece.role == "not" or before in ("term", ")") else "before"
        piece.role = "operator-word"
        what = "exclude" if piece.text == NOT_OPERATOR else "join"
        notes.append(
            f"{piece.text} at character {piece.at + 1} has nothing to {what} {side} it, "
            f"so it was read as a word."
        )
        piece.out = piece.text.lower()


def _read_word(
    piece: _Piece, fields: Collection[str], attached: bool, notes: list[str]
) -> tuple[str, str | None]:
    """A word as the parser should get it, and the word searched for in the
    body and title (``None``: a pattern, another field's value, or nothing)."""
    text = piece.text
    if text in BINARY_OPERATORS or text == NOT_OPERATOR:
        return text.lower(), text  # an operator read as a word (in shouted prose)
    sign = ""
    if text[0] in "+-":
        rest = text.lstrip("+-")
        if not rest or not (any(c.isalnum() for c in rest) or attached):
            return " " * len(text), text  # a lone dash: reported as a symbol
        sign, text = text[0], rest
    prefix, field = "", ""
    match = _FIELD.match(text)
    if match:
        name, rest = match.group(1), text[match.end() :]
        # A value must follow at once: "title: the words" is prose.
        valued = bool(rest) and not rest[0].isspace() and any(c.isalnum() for c in rest)
        meant = valued or (not rest and attached)
        if name in fields and meant:
            prefix, field, text = match.group(), name, rest
        else:
            if name not in fields and rest and any(c.isalnum() for c in rest):
                notes.append(_not_a_field(name, piece.at))
            text = name + " " + rest
    # Colons left are punctuation (10:30, a:b:c); a fuzzy ~ or boost ^ ends a word.
    text = text.replace(":", " ")
    suffix = _SUFFIX.search(text)
    end = suffix.group() if suffix else ""
    core = text[: len(text) - len(end)] if end else text
    core = _wildcards(core, piece.at, notes)
    if AMPERSAND_WORD.match(core) and not field:
        core = f'"{core}"'
    out = sign + prefix + core + end
    # Keep the length where nothing was added, so positions stay the text's.
    out = out + " " * (len(piece.text) - len(out)) if len(out) < len(piece.text) else out
    if not any(c.isalnum() for c in core):
        return out, piece.text  # punctuation and symbols: reported as symbols
    pattern = any(c in "*?" for c in core)
    searched = core.strip('"') if field in TEXT_FIELDS and not pattern else None
    return out, searched


def _wildcards(word: str, at: int, notes: list[str]) -> str:
    """``word`` with each ``*``/``?`` that is not clearly a wildcard made a space:
    one needs :data:`MIN_WILDCARD_LETTERS` letters before it, and a ``?`` a
    letter after it (a trailing ``?`` is a question mark)."""
    chars = list(word)
    for i, char in enumerate(chars):
        if char not in "*?":
            continue
        letters = 0
        for c in reversed(word[:i]):
            if not (c.isalnum() or c in "*?"):
                break
            letters += c.isalnum()
        trailing = not any(c.isalnum() for c in word[i + 1 :])
        if letters >= MIN_WILDCARD_LETTERS and (char == "*" or not trailing):
            continue
        chars[i] = " "
        if letters and not (char == "?" and trailing):
            notes.append(
                f"The {char!r} in {safe_text(word)!r} (character {at + 1}) was read as "
                f"punctuation: a wildcard needs {MIN_WILDCARD_LETTERS} letters before it."
            )
    return "".join(chars)


def _plain_word(text: str) -> str:
    """A word of a plain-text search: every syntax character a space, ``&``
    words still phrases of their parts."""
    plain = _PLAIN_SYNTAX.sub(lambda m: " " * len(m.group()), text)
    if plain.strip() in BINARY_OPERATORS | {NOT_OPERATOR}:
        plain = plain.lower()
    core = plain.strip()
    if AMPERSAND_WORD.match(core):
        return plain.replace(core, f'"{core}"')
    return plain


def _not_a_field(name: str, at: int) -> str:
    close = difflib.get_close_matches(name.lower(), DOCUMENTED_FIELDS, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}:?" if close else ""
    return (
        f"{safe_text(name)!r} (character {at + 1}) is not a field, so '{safe_text(name)}:' "
        f"was searched as a word; fields are {', '.join(DOCUMENTED_FIELDS)}{hint}"
    )
