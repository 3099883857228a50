"""Highlighted snippets, cut faster than Whoosh's ``Hit.highlights``.

Whoosh re-analyzes each hit's stored body to find the query's terms: a token
object through every filter for every word, and a stem for each. Here, for an
analyzer of our :class:`~searcher.analysis.analyzers.NltkTokenizer` and filters ending in
a stemmer, the body is split with the tokenizer's own pattern, and each distinct
word's text before stemming is learnt once per process (the filters work on one
token at a time, so a word always comes out the same). The body field's terms
are stems, and a stem keeps its word's first two letters, so only a word whose
first two letters start a query term is stemmed at all. Everything else
(tokens, offsets, fragments, their scoring and order) is Whoosh's, so the
snippets are the same (``tests/store/test_snippets_match_whoosh.py`` compares them).

:func:`snippet_cutter` makes the cutter the present stage uses: fragments as
tuples of :class:`~searcher.models.Segment` (:class:`SegmentFormatter`), never markup.

Imports Whoosh's public ``highlight`` and ``analysis`` modules,
``searcher.analysis`` (the tokenizer's pattern), ``searcher.models`` and
``searcher.store.internals``; no other part of query/.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from whoosh import highlight
from whoosh.analysis import Composable, CompositeAnalyzer, Token
from whoosh.searching import Results

from searcher.analysis import NltkTokenizer, compile_pattern
from searcher.models import Segment
from searcher.store.internals import merge_matched_tokens

LOGGER = logging.getLogger(__name__)

#: How many highlighted fragments a hit carries, and their size in characters.
SNIPPETS_PER_HIT = 3
SNIPPET_CHARS = 200
#: Words whose pre-stemming text is remembered; the memory is emptied past this.
WORD_CACHE_SIZE = 200_000


class _Token:
    """The little of Whoosh's ``Token`` that fragmenting and scoring read."""

    __slots__ = ("boost", "endchar", "matched", "startchar", "text")

    def __init__(self, text: str, startchar: int, endchar: int, matched: bool) -> None:
        self.text = text
        self.startchar = startchar
        self.endchar = endchar
        self.matched = matched
        self.boost = 1.0

    def copy(self) -> _Token:
        return _Token(self.text, self.startchar, self.endchar, self.matched)


class _Words:
    """Each raw word's text before stemming and whether it is a stop word (``None``
    when the filters drop it), for one analyzer of ``NltkTokenizer | filters |
    stemmer``."""

    def __init__(self, analyzer: Any) -> None:
        tokenizer, *filters = analyzer.items
        self.analyzer = analyzer
        self.finditer = compile_pattern(tokenizer.pattern).finditer
        self.before = filters[:-1]
        self.stem = filters[-1].stem
        self.known: dict[str, tuple[str, bool] | None] = {}

    @staticmethod
    def fits(analyzer: Any) -> bool:
        """Whether ``analyzer`` is an ``NltkTokenizer``, filters, then a stemmer."""
        items = list(getattr(analyzer, "items", ()))
        return (
            len(items) >= 2
            and isinstance(items[0], NltkTokenizer)
            and getattr(items[-1], "is_morph", False)
            and callable(getattr(items[-1], "stem", None))
            and not any(getattr(item, "is_morph", False) for item in items[1:-1])
        )

    def learn(self, raw: str) -> tuple[str, bool] | None:
        token = Token(positions=False, chars=False, removestops=False, mode="index")
        token.text, token.boost, token.stopped = raw, 1.0, False
        stream: Iterator[Token] = iter([token])
        for item in self.before:
            stream = item(stream)
        out = next(stream, None)
        found = None if out is None else (str(out.text), bool(out.stopped))
        if len(self.known) >= WORD_CACHE_SIZE:
            self.known.clear()
        self.known[raw] = found
        return found


_WORDS: list[_Words] = []


def _words_for(analyzer: Any) -> _Words | None:
    """The process's word memory for ``analyzer`` (one schema at a time), or
    ``None`` when the analyzer is not of the shape :class:`_Words` reads."""
    if _WORDS and _WORDS[0].analyzer == analyzer:
        return _WORDS[0]
    if not _Words.fits(analyzer):
        return None
    _WORDS[:] = [_Words(analyzer)]
    return _WORDS[0]


class StemIfNeeded(Composable):  # type: ignore[misc]
    """Runs a stemming filter's ``stem`` only on words that could stem to one of
    the terms searched for (those starting with one of ``prefixes``)."""

    def __init__(self, stemmer: Any, prefixes: frozenset[str]) -> None:
        self.stemmer = stemmer
        self.prefixes = prefixes

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem, prefixes = self.stemmer.stem, self.prefixes
        for token in tokens:
            if not token.stopped and token.text[:2] in prefixes:
                token.text = stem(token.text)
            yield token


def _lazy(analyzer: Any, words: frozenset[str]) -> Any:
    """``analyzer`` with its stemming filter replaced by :class:`StemIfNeeded`;
    unchanged when it has no filter with a ``stem`` method."""
    items = list(getattr(analyzer, "items", ()))
    for i, item in enumerate(items):
        if getattr(item, "is_morph", False) and callable(getattr(item, "stem", None)):
            items[i] = StemIfNeeded(item, frozenset(w[:2] for w in words))
            return CompositeAnalyzer(*items)
    return analyzer


class BodyHighlighter:
    """Cuts snippets highlighting ``words`` (those of a query: :func:`query_words`)
    from articles of an index of ``schema``.

    :param fieldname: the stored field to cut snippets from.
    :param top: the most fragments per hit.
    """

    def __init__(
        self,
        schema: Any,
        words: Iterable[str],
        *,
        fieldname: str = "body",
        fragmenter: Any,
        formatter: Any,
        top: int = 3,
    ) -> None:
        field = schema[fieldname]
        self.words = frozenset(words)
        self.prefixes = frozenset(w[:2] for w in self.words)
        self.analyzer = _lazy(field.analyzer, self.words)
        self.known = _words_for(field.analyzer)
        self.fieldname = fieldname
        self.fragmenter = fragmenter
        self.formatter = formatter
        self.scorer = highlight.BasicFragmentScorer()
        self.top = top

    def __call__(self, hit: Any) -> list[tuple[Segment, ...]]:
        """Return up to ``top`` fragments of ``hit``'s field (a Whoosh hit, or
        an article's stored fields), best first."""
        text = hit.get(self.fieldname, "")
        if not text or not self.words:
            return []
        fragments: Iterable[Any]
        if self.known is not None and type(self.fragmenter) is highlight.ContextFragmenter:
            fragments = self._cut(text)
        else:
            tokens = self.analyzer(
                text, positions=True, chars=True, mode="index", removestops=False
            )
            tokens = highlight.set_matched_filter(tokens, self.words)
            tokens = merge_matched_tokens(tokens)
            fragments = self.fragmenter.fragment_tokens(text, tokens)
        best = highlight.top_fragments(
            fragments, self.top, self.scorer, highlight.FIRST, minscore=1
        )
        return list(self.formatter.format(best))

    def _tokens(self, text: str) -> list[tuple[int, int, str | None]]:
        """The analyzer's tokens of ``text`` (stop words kept) as ``(start, end,
        text)``, text ``None`` unless the token matches a query term, with touching
        matches merged as :func:`~searcher.store.internals.merge_matched_tokens`
        merges them."""
        known = self.known
        assert known is not None
        get, learn, stem = known.known.get, known.learn, known.stem
        words, prefixes = self.words, self.prefixes
        missing = ("", False)
        tokens: list[Any] = []
        pending: list[Any] | None = None
        for match in known.finditer(text):
            raw = match.group()
            found = get(raw, missing)
            if found is missing:
                found = learn(raw)
            if found is None:
                continue
            word, stopped = found
            if not stopped and word[:2] in prefixes:
                word = stem(word)
            start, end = match.span()
            if word not in words:
                if pending is not None:
                    tokens.append(pending)
                    pending = None
                tokens.append((start, end, None))
            elif pending is None:
                pending = [start, end, word]
            elif start <= pending[1]:
                if end > pending[1]:
                    pending[2] += word[pending[1] - end :]
                    pending[1] = end
            else:
                tokens.append(pending)
                pending = None
                tokens.append((start, end, word))
        if pending is not None:
            tokens.append(pending)
        return tokens

    def _cut(self, text: str) -> list[Any]:
        """Whoosh's ``ContextFragmenter.fragment_tokens`` over :meth:`_tokens`,
        making token objects only for the matches."""
        fragmenter = self.fragmenter
        maxchars, surround, charlimit = (
            fragmenter.maxchars,
            fragmenter.surround,
            fragmenter.charlimit,
        )
        fragments = []
        first: int | None = None
        firsts: deque[int] = deque()
        countdown = -1
        matches: list[_Token] = []
        endchar = None
        length = 0
        for start, end, word in self._tokens(text):
            endchar = end
            size = end - start
            if charlimit and end > charlimit:
                break
            if countdown < 0 and word is None:
                firsts.append(start)
                while firsts and end - firsts[0] > surround:
                    firsts.popleft()
            elif length + size > maxchars:
                countdown = 0
            elif word is not None:
                countdown = surround
                if first is None:
                    if firsts:
                        first = firsts[0]
                    else:
                        first = start
                        countdown += surround
                matches.append(_Token(word, start, end, True))
            if countdown >= 0:
                length += size
                countdown -= size
                if countdown <= 0:
                    fragments.append(highlight.mkfrag(text, matches, first, end))
                    matches, firsts, first, length = [], deque(), None, 0
        if matches:
            fragments.append(highlight.mkfrag(text, matches, first, endchar))
        return fragments


class SegmentFormatter(highlight.Formatter):  # type: ignore[misc]
    """Formats each fragment as a tuple of :class:`Segment`, not as markup."""

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return str(text[token.startchar : token.endchar])

    def format_fragment(self, fragment: Any, replace: bool = False) -> tuple[Segment, ...]:
        text, index = fragment.text, fragment.startchar
        segments: list[Segment] = []
        for token in fragment.matches:
            if token.startchar < index:
                continue  # overlapping match, already covered
            if token.startchar > index:
                segments.append(Segment(text[index : token.startchar], False))
            segments.append(Segment(text[token.startchar : token.endchar], True))
            index = token.endchar
        segments.append(Segment(text[index : fragment.endchar], False))
        return tuple(s for s in segments if s.text)

    def format(self, fragments: Sequence[Any], replace: bool = False) -> list[tuple[Segment, ...]]:
        return [self.format_fragment(fragment, replace) for fragment in fragments]


def query_words(results: Results, fieldname: str = "body") -> frozenset[str]:
    """The words of ``fieldname`` that the query of ``results`` searches for
    (wildcards and fuzzy words expanded): those its snippets highlight."""
    field = results.searcher.schema[fieldname]
    terms = results.query_terms(expand=True, fieldname=fieldname)
    return frozenset(field.from_bytes(text) for _, text in terms)


def snippet_cutter(results: Results) -> BodyHighlighter:
    """Return what cuts the snippets of ``results``' hits: up to
    :data:`SNIPPETS_PER_HIT` fragments of about :data:`SNIPPET_CHARS` characters."""
    return words_cutter(results.searcher.schema, query_words(results))


def words_cutter(schema: Any, words: Iterable[str]) -> BodyHighlighter:
    """Return what cuts the snippets highlighting ``words`` (:func:`query_words`)
    in articles of an index of ``schema``, as :func:`snippet_cutter`'s."""
    return BodyHighlighter(
        schema,
        words,
        fragmenter=highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60),
        formatter=SegmentFormatter(),
        top=SNIPPETS_PER_HIT,
    )
