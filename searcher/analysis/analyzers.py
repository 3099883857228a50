"""Turning article text into index terms: NLTK inside, Whoosh's analyzer contract outside.

The analyzer is pickled into every index, so the classes here keep this import
path, pickle without their caches, and compare equal by configuration. Changing
what they produce means bumping :data:`searcher.schema.SCHEMA_VERSION`.

>>> analyze_text("U.S. troops in Iraq's capital")
['us', 'troop', 'iraq', 'capit']
>>> analyze_text("US troops") == analyze_text("U.S. troops")
True
>>> analyze_text("São Paulo") == analyze_text("Sao Paulo")
True
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh.analysis import Composable, CompositeAnalyzer, StopFilter, Token, Tokenizer

from searcher.arguments import require, require_flag

#: Tokens: dotted abbreviations (U.S.), numbers with separators (39,000; 1.5),
#: and words with inner apostrophes (Iraq's). Underscores are not word characters.
TOKEN_PATTERN = r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)+|[^\W_]+(?:['’][^\W_]+)*"

#: Function words dropped from the index. Deliberately short: news words such as
#: "us" (U.S.), "may" (the month), "will", "new", "no" and "not" are kept.
STOP_WORDS = frozenset(
    """a an and are as at be been but by for from had has have he her hers him his i if in
    into is it its me my of on or our ours she so than that the their theirs them then there
    these they this those to was we were which who whom with you your yours""".split()
)


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
        if _nltk_uses_regex():
            import regex  # type: ignore[import-untyped]  # NLTK's own dependency

            self.compiled = regex.compile(pattern, _NLTK_FLAGS)
        else:
            self.compiled = re.compile(pattern, _NLTK_FLAGS)
        self.ascii = re.compile(ASCII_TOKEN_PATTERN) if pattern == TOKEN_PATTERN else None

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


class NewsNormalizeFilter(Composable):  # type: ignore[misc]
    """Folds case and accents, drops possessive ``'s``, joins ``U.S.`` to ``us``
    and ``39,000`` to ``39000``.

    >>> [t.text for t in NewsNormalizeFilter()(NltkTokenizer()("Iraq's U.S. 39,000 São"))]
    ['iraq', 'us', '39000', 'sao']
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = normalize_word(token.text)
            if not text:
                continue  # a lone combining mark folds to nothing
            token.text = text
            yield token


def normalize_word(text: str) -> str:
    """What :class:`NewsNormalizeFilter` makes of one token's text (``""``: dropped)."""
    text = fold(text)
    if not text:
        return ""
    if "'" in text:
        text = text[:-2] if text.endswith("'s") else text.rstrip("'")
    if text[-1] == "." or (text[0].isdigit() and "," in text):
        text = text.replace(".", "").replace(",", "")
    return text


class SnowballStemFilter(Composable):  # type: ignore[misc]
    """Stems with NLTK's English Snowball stemmer, caching each word's stem.

    >>> [t.text for t in SnowballStemFilter()(NltkTokenizer()("talks troops"))]
    ['talk', 'troop']
    """

    is_morph = True
    #: The cache is cleared when it grows past this many words.
    cachesize = 200_000

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the stemmer and the cache are rebuilt on first use

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def stem(self, word: str) -> str:
        """Return the stem of one (already lower-cased) word."""
        stem = _STEMS.get(word)
        if stem is None:
            stem = _stem_uncached(word, self.cachesize)
        return stem

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self.stem
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


# Stems, shared by every filter in the process: a query unpickles a fresh
# schema for each searcher, and its stems must not be learnt again each time.
_STEMS: dict[str, str] = {}
_STEMMER: list[Any] = []
# Stem tables (SQLite files) of indexes opened in this process, asked per unknown word.
_STEM_DBS: dict[Path, sqlite3.Connection | None] = {}


#: Numbers (``39000``, ``5.93``, ``1,5``): the Snowball stemmer changes only
#: letters and apostrophes, and a third of Reuters' distinct words are numbers.
_NUMBER = re.compile(r"[\d.,]+")


def is_number(word: str) -> bool:
    """Whether ``word`` is a number, which the stemmer leaves as it is (and a stem
    table need not hold)."""
    return _NUMBER.fullmatch(word) is not None


def load_stemmer() -> None:
    """Import NLTK's Snowball stemmer now (about 0.15 s), rather than on the
    first word no stem table knows."""
    if not _STEMMER:
        from nltk.stem.snowball import SnowballStemmer

        _STEMMER.append(SnowballStemmer("english"))


def _stem_uncached(word: str, cachesize: int) -> str:
    if is_number(word):
        return word
    known = _stored_stem(word)
    if known is not None:
        _STEMS[word] = known
        return known
    load_stemmer()
    if len(_STEMS) >= cachesize:
        _STEMS.clear()
    stem: str = _STEMMER[0].stem(word)
    _STEMS[word] = stem
    return stem


def _stored_stem(word: str) -> str | None:
    for path, con in _STEM_DBS.items():
        try:
            if con is None:
                con = _STEM_DBS[path] = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            row = con.execute("select stem from stems where word = ?", (word,)).fetchone()
        except sqlite3.Error:  # no table yet, or busy: the stemmer answers
            continue
        if row is not None:
            return str(row[0])
    return None


def use_stem_table(path: Path) -> None:
    """Ask the ``stems`` table of the SQLite file ``path`` (written while indexing)
    before the Snowball stemmer, so a query of known words never imports nltk (~250 ms)."""
    _STEM_DBS.setdefault(path, None)


def forget_stem_tables() -> None:
    """Stop asking stem tables: the stemmer answers every new word. For indexing
    processes, which meet tens of thousands of words, most of them (on a new
    index, all) missing from the table: a lookup costs a third of a stemming."""
    for con in _STEM_DBS.values():
        if con is not None:
            con.close()
    _STEM_DBS.clear()


def news_analyzer() -> CompositeAnalyzer:
    """The analyzer for headlines and body text: tokenize, normalise, drop stop words, stem."""
    return (
        NltkTokenizer()
        | NewsNormalizeFilter()
        | StopFilter(STOP_WORDS, minsize=1)
        | SnowballStemFilter()
    )


def name_analyzer() -> CompositeAnalyzer:
    """The analyzer for bylines and sources: tokenize and normalise, no stemming."""
    return NltkTokenizer() | NewsNormalizeFilter()


def analyze_text(text: str, *, stem: bool = True) -> list[str]:
    """Return the index terms of ``text``, for debugging and tests.

    :param stem: use the body analyzer (``True``) or the name analyzer (``False``).
    """
    require(text, "text", str, "a str")
    analyzer = news_analyzer() if require_flag(stem, "stem") else name_analyzer()
    return [token.text for token in analyzer(text)]
