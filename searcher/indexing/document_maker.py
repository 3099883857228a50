"""Turning articles into index documents: field values, terms, postings and columns.

:class:`DocumentMaker` makes, from an article's field values, what a
:class:`~searcher.store.segment_writer.SegmentBuilder` writes: the stored values, each
indexed field's terms with their posting values, and the columns (with the
body's near-duplicate signature).

Analysis takes the fast path of :class:`~searcher.analysis.fast.FastAnalyzer`.
Words the Snowball stemmer met are collected (:meth:`DocumentMaker.take_stems`)
for the index's stem file, so a query of known words never imports nltk.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from operator import sub
from pathlib import Path
from typing import Any

from whoosh.analysis import CompositeAnalyzer, IDTokenizer
from whoosh.compat import dumps
from whoosh.fields import NUMERIC
from whoosh.formats import Existence, Frequency, Positions
from whoosh.system import pack_uint

from searcher.analysis import (
    TOKEN_PATTERN,
    compile_pattern,
    neardup,
)
from searcher.analysis.fast import FastAnalyzer
from searcher.schema import LEXICON, indexed_body
from searcher.store import read_toc
from searcher.store.segment_writer import FieldItems, numeric_items

LOGGER = logging.getLogger(__name__)

#: Fields whose value is other fields' values joined by newlines: their tokens
#: are those fields' tokens one after the other, so they are not tokenized again
#: (the ``words`` field indexes the body's text, headline included).
JOINED_FIELDS = {"words": ("body",)}
#: A value under this prefix and a field's name is what the field stores, its
#: other value what it indexes (Whoosh's ``add_document`` convention): the body
#: indexes the headline and the body, and stores the body.
STORED_PREFIX = "_stored_"
#: The column made from the body's tokens when the values do not give it.
SIGNATURE_FIELD = "signature"
#: Longest value of a short text field (see ``DocumentMaker._repeating``) whose
#: items are kept by value.
REPEATING_CHARS = 64
#: Entries of the memo of generic fields' terms (paths, months, keywords repeat;
#: dates, to the second, seldom do and are not kept).
GENERIC_MEMO_SIZE = 10_000


class _Computed(dict[Any, Any]):
    """A dict that computes, and keeps, the value of a missing key."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.compute(key)
        return value


def _encode_positions(positions: Sequence[int]) -> bytes:
    """Return what ``whoosh.formats.Positions.encode`` does, with C-level deltas."""
    encoded: bytes = pack_uint(len(positions)) + dumps(
        list(map(sub, positions, [0, *positions])), 2
    )
    return encoded


def _id_items(fieldobj: Any, value: Any) -> FieldItems | None:
    """Return what ``ID.index`` yields for one text, the text as the one term
    (an ``IDTokenizer`` without filters, in an ``Existence`` format); ``None``
    for other fields."""
    analyzer, fmt = getattr(fieldobj, "analyzer", None), fieldobj.format
    if type(analyzer) is not IDTokenizer or type(fmt) is not Existence or type(value) is not str:
        return None
    return [value.encode("utf-8")], [float(fmt.field_boost)], [b""], 1


class DocumentMaker:
    """Turns articles into the stored values, postings and columns of one document."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.fast: dict[str, FastAnalyzer] = {}
        analyzers: list[tuple[Any, FastAnalyzer]] = []
        for name in schema.names():
            analyzer = getattr(schema[name], "analyzer", None)
            fmt = getattr(schema[name], "format", None)
            fast_format = type(fmt) in (Positions, Frequency)
            if not isinstance(analyzer, CompositeAnalyzer) or not fast_format:
                continue
            # Fields of one analyzer (title, body, lead) share its term cache.
            fast = next((f for a, f in analyzers if a == analyzer), None)
            if fast is None:
                with contextlib.suppress(TypeError):  # not an NltkTokenizer chain
                    fast = FastAnalyzer(analyzer)
                    analyzers.append((analyzer, fast))
            if fast is not None:
                self.fast[name] = fast
        # A field whose analyzer is another's without the stemmer (the words of a
        # LEXICON) takes its words from that one's cache rather than its own.
        self._unstemmed = {
            name: source
            for name, fast in self.fast.items()
            for source in self.fast.values()
            if source.unstemmed is not None and source.unstemmed == schema[name].analyzer
        }
        self._joined = {
            name: parts
            for name, parts in JOINED_FIELDS.items()
            if name in self.fast
            and all(
                p in self.fast and self.fast[p].findall == self.fast[name].findall for p in parts
            )
        }
        # neardup.signature() tokenizes as the body analyzer does: its tokens will do.
        self._signature = (
            SIGNATURE_FIELD in schema.names()
            and "body" in self.fast
            and self.fast["body"].findall == compile_pattern(TOKEN_PATTERN).findall
        )
        # Encoded positions of a term used once, by position: most terms in an article.
        self._single = _Computed(lambda pos: Positions().encode([pos]))
        # (Those of several positions are encoded each time: a cache of them saved
        # no time, and held 20-30 MB in each worker from one task to the next.)
        self._frequency = _Computed(pack_uint)
        self._memo: dict[tuple[str, Any], FieldItems] = {}
        self._lexicons = {n for n in schema.names() if isinstance(schema[n], LEXICON)}
        self._fields = {name: schema[name] for name in schema.names()}
        # Short text fields whose values repeat (a byline, a source) and whose
        # tokens no other field reuses: their items are kept by value.
        joined = {part for parts in self._joined.values() for part in parts}
        self._repeating = set(self.fast) - joined - self._lexicons - {"body"}

    def forget(self) -> None:
        """Empty the caches of terms (stems stay cached in :mod:`searcher.analysis.analyzers`),
        so that writing a segment reuses their memory rather than adding to it."""
        for fast in self.fast.values():
            fast.forget()
        self._memo.clear()
        neardup.forget_words()

    def take_stems(self) -> list[tuple[str, str]]:
        """Return, and forget, the (word, stem) pairs its analyzers met since the last call."""
        unique = {id(fast): fast for fast in self.fast.values()}.values()
        return [pair for fast in unique for pair in fast.take_stems()]

    def _fast_items(self, fast: FastAnalyzer, fmt: Any, tokens: list[str]) -> FieldItems:
        if type(fmt) is Frequency:  # counts only, as Frequency.word_values gives
            found = Counter(filter(None, fast.terms(tokens)))
            counts = list(found.values())
            values = list(map(self._frequency.__getitem__, counts))
            return list(found), None, values, sum(counts)  # the values give the weights
        positions = fast.token_positions(tokens)
        plists = list(positions.values())
        counts = list(map(len, plists))
        single = self._single
        values = [single[p[0]] if len(p) == 1 else _encode_positions(p) for p in plists]
        return list(positions), None, values, sum(counts)  # the values give the weights

    def _generic_items(self, name: str, fieldobj: Any, value: Any) -> FieldItems:
        key: tuple[str, Any] | None = (name, value)
        try:
            found = self._memo.get((name, value))
        except TypeError:  # an unhashable value
            key, found = None, None
        if found is None:
            found = numeric_items(fieldobj, value) or _id_items(fieldobj, value)
        if found is None:
            postings = list(fieldobj.index(value))
            found = (
                [p[0] for p in postings],
                [p[2] for p in postings],
                [p[3] for p in postings],
                sum(p[1] for p in postings),
            )
            if key is not None and not fieldobj.unique and not isinstance(fieldobj, NUMERIC):
                self._memorise(key, found)
        return found

    def _memorise(self, key: tuple[str, Any], items: FieldItems) -> FieldItems:
        """Keep a field value's ``items`` under ``key`` (the memo is emptied when
        full); return them."""
        if len(self._memo) >= GENERIC_MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = items
        return items

    def _joined_tokens(
        self, name: str, value: str, values: dict[str, Any], tokens: dict[str, list[str]]
    ) -> list[list[str]] | None:
        """The token lists of the fields ``value`` joins, when they are known."""
        parts = self._joined.get(name)
        if (
            parts
            and all(p in tokens for p in parts)
            and value == "\n".join(values[p] for p in parts)
        ):
            return [tokens[p] for p in parts]
        return None

    def _words(
        self, name: str, value: str, values: dict[str, Any], tokens: dict[str, list[str]]
    ) -> FieldItems:
        """The items of a :class:`LEXICON` field: its distinct words, for
        :class:`~searcher.store.segment_writer.SegmentBuilder` to count."""
        joined = self._joined_tokens(name, value, values, tokens)
        distinct = set(self.fast[name].tokens(value)) if joined is None else set().union(*joined)
        source = self._unstemmed.get(name)
        if source is None:
            words = self.fast[name].terms(list(distinct))
        else:
            words = source.words(list(distinct))
        return set(filter(None, words)), None, [], 0  # type: ignore[return-value]  # a set will do

    def make(
        self, values: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, FieldItems], dict[str, Any]]:
        """Return ``(values, items, columns)`` for a document's field values; the
        body's near-duplicate signature is made here when ``values`` lacks it."""
        schema = self.schema
        items: dict[str, FieldItems] = {}
        columns: dict[str, Any] = {}
        tokens: dict[str, list[str]] = {}
        fields = self._fields
        for name, value in values.items():
            if name.startswith(STORED_PREFIX):
                continue
            fieldobj = fields.get(name) or schema[name]  # (Whoosh's lookup: a method call)
            if fieldobj.indexed:
                fast = self.fast.get(name)
                if fast is None:
                    items[name] = self._generic_items(name, fieldobj, value)
                elif name in self._lexicons:
                    items[name] = self._words(name, value, values, tokens)
                elif name in self._repeating and len(value) <= REPEATING_CHARS:
                    key = (name, value)
                    items[name] = self._memo.get(key) or self._memorise(
                        key, self._fast_items(fast, fieldobj.format, fast.tokens(value))
                    )
                else:
                    found = tokens[name] = fast.tokens(value)
                    items[name] = self._fast_items(fast, fieldobj.format, found)
            if fieldobj.column_type is not None:
                columns[name] = fieldobj.to_column_value(value)
        if self._signature and SIGNATURE_FIELD not in values and "body" in tokens:
            sig = neardup.token_signature(self._stored_body_tokens(values, tokens["body"]))
            if sig is not None:
                columns[SIGNATURE_FIELD] = schema[SIGNATURE_FIELD].to_column_value(sig)
        return self._stored(values), items, columns

    def _stored_body_tokens(self, values: dict[str, Any], body_tokens: list[str]) -> list[str]:
        """The tokens of the stored body (what the near-duplicate signature is
        made of), from those of the indexed one: without the headline's, when the
        indexed body is the headline, a newline and the stored body (a token never
        spans a newline, so the headline's tokens come first, alone)."""
        stored = values.get(STORED_PREFIX + "body")
        if stored is None:
            return body_tokens
        title = values.get("title", "")
        if values["body"] != indexed_body(title, stored):
            return self.fast["body"].tokens(stored)
        return body_tokens[len(self.fast["body"].tokens(title)) :]

    @staticmethod
    def _stored(values: dict[str, Any]) -> dict[str, Any]:
        """The stored values: a field's ``_stored_`` value in place of the indexed one."""
        stored = [name for name in values if name.startswith(STORED_PREFIX)]
        if not stored:
            return values
        kept = {name: value for name, value in values.items() if name not in stored}
        kept.update((name[len(STORED_PREFIX) :], values[name]) for name in stored)
        return kept


_MAKERS: dict[str, DocumentMaker] = {}


def maker_for(index_dir: str) -> DocumentMaker:
    # One per process and index: the schema is read from the index once.
    maker = _MAKERS.get(index_dir)
    if maker is None:
        maker = _MAKERS[index_dir] = DocumentMaker(read_toc(Path(index_dir)).schema)
    return maker
