"""Splitting text into tokens with exact character spans, as NLTK's
``RegexpTokenizer`` would, without importing nltk; and folding case and accents.

Part of :mod:`searcher.analysis`; imports only Whoosh's analysis API.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh.analysis import Token, Tokenizer

#: Tokens: dotted abbreviations (U.S.), numbers with separators (39,000; 1.5),
#: and words with inner apostrophes (Iraq's). Underscores are not word characters.
TOKEN_PATTERN = r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)+|[^\W_]+(?:['’][^\W_]+)*"


# The flags NLTK's RegexpTokenizer compiles its pattern with.
_NLTK_FLAGS = re.UNICODE | re.MULTILINE | re.DOTALL
# Compiled patterns, shared by every tokenizer unpickled from an index's schema.
_PATTERNS: dict[str, TokenPattern] = {}


def _nltk_uses_regex() -> bool:
    # NLTK 3.10 compiles tokenizer patterns with the `regex` engine (nltk/redos.py),
    # whose \w differs from re's on a few characters (¼); older NLTK used `re`.
    # Looked up without importing nltk, which costs ~250 ms.
    spec = importlib.util.find_spec("nltk")
    folders = spec.submodule_search_locations if spec else None
    return bool(folders) and any((Path(f) / "redos.py").is_file() for f in folders or ())


#: :data:`TOKEN_PATTERN` for text that is all ASCII, where it finds the same
#: tokens (``tests/test_analysis.py``): Python's ``re`` runs it about twice as
#: fast as NLTK's ``regex`` engine runs the Unicode pattern.
ASCII_TOKEN_PATTERN = r"(?:[A-Za-z]\.){2,}|[0-9]+(?:[.,][0-9]+)+|[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*"


class TokenPattern:
    """A tokenizer pattern compiled as NLTK's ``RegexpTokenizer`` compiles it, so
    the spans are NLTK's, without importing nltk (the query path must not pay
    for it); all-ASCII text of :data:`TOKEN_PATTERN` takes :data:`ASCII_TOKEN_PATTERN`."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.ascii = re.compile(ASCII_TOKEN_PATTERN) if pattern == TOKEN_PATTERN else None

    @functools.cached_property
    def compiled(self) -> Any:
        """The pattern as NLTK compiles it: on first use, as a query of all-ASCII
        words never needs it (importing ``regex`` and compiling it: ~9 ms)."""
        if _nltk_uses_regex():
            import regex  # type: ignore[import-untyped]  # NLTK's own dependency

            return regex.compile(self.pattern, _NLTK_FLAGS)
        return re.compile(self.pattern, _NLTK_FLAGS)

    def _for(self, text: str) -> Any:
        return self.ascii if self.ascii is not None and text.isascii() else self.compiled

    def findall(self, text: str) -> list[str]:
        """Return the tokens of ``text``."""
        found: list[str] = self._for(text).findall(text)
        return found

    def finditer(self, text: str) -> Iterator[Any]:
        """Return the match objects of the tokens of ``text``, in order."""
        found: Iterator[Any] = self._for(text).finditer(text)
        return found


def compile_pattern(pattern: str) -> TokenPattern:
    """Return ``pattern`` as a :class:`TokenPattern`, compiled once per process."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = TokenPattern(pattern)
    return compiled


class NltkTokenizer(Tokenizer):  # type: ignore[misc]
    """Splits text with NLTK's ``RegexpTokenizer.span_tokenize``, keeping exact spans.

    ``startchar``/``endchar`` slice back to the token's original text, which the
    highlighter relies on.

    >>> [(t.text, t.startchar, t.endchar) for t in NltkTokenizer()("U.S. aid", chars=True)]
    [('U.S.', 0, 4), ('aid', 5, 8)]
    """

    def __init__(self, pattern: str = TOKEN_PATTERN) -> None:
        self.pattern = pattern

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NltkTokenizer) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.pattern))

    def __getstate__(self) -> dict[str, Any]:
        return {"pattern": self.pattern}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.pattern = state["pattern"]

    def _spans(self, text: str) -> Iterator[tuple[int, int]]:
        # What RegexpTokenizer(pattern).span_tokenize yields, with the pattern
        # compiled once per process rather than once per unpickled schema.
        return (match.span() for match in compile_pattern(self.pattern).finditer(text))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for pos, (start, end) in enumerate(self._spans(value), start_pos):
            token.text = value[start:end]
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents: ``"São"`` -> ``"sao"``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
