"""Index terms and positions of our analyzers, fast: :class:`FastAnalyzer`.

Whoosh runs an analyzer token by token through a chain of generators. Here a
text's tokens are found with one pattern, each distinct token is mapped to its
term once and cached, and positions follow Whoosh's ``StopFilter`` renumbering,
so the terms are the ones the analyzer produces (``tests/test_engine_pipeline.py``
checks this against the analyzer itself). The indexer (:mod:`searcher.indexing.document_maker`)
and pseudo-relevance feedback (:mod:`searcher.query.feedback`) use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import filterfalse
from typing import Any

from whoosh.analysis import CompositeAnalyzer, StopFilter, Token

from searcher.analysis.filters import NewsNormalizeFilter, SnowballStemFilter, normalize_word
from searcher.analysis.stems import is_number
from searcher.analysis.tokenizer import NltkTokenizer, compile_pattern

#: The raw-token cache of one analyzer is cleared when it grows past this.
TOKEN_CACHE_SIZE = 500_000


def _run_filters(filters: list[Any], texts: list[str]) -> list[str]:
    """Run ``texts`` through ``filters`` as one token stream (one generator chain
    for all, not one per token); return each one's output, ``""`` when dropped."""
    found = [""] * len(texts)
    current = 0
    token = Token(positions=True, chars=False, removestops=True, mode="index")

    def feed() -> Iterator[Token]:
        nonlocal current
        for current, text in enumerate(texts):  # noqa: B007  # read as each output comes
            token.text, token.boost, token.stopped, token.pos = text, 1.0, False, 0
            yield token

    stream: Any = feed()
    for item in filters:
        stream = item(stream)
    for out in stream:  # filters pass a token on before taking the next one
        if not out.stopped and not found[current]:
            found[current] = str(out.text)
    return found


def _direct(filters: list[Any]) -> Callable[[list[str]], list[str]] | None:
    """``filters`` as one function of a list of texts (``""`` for a dropped one),
    when each is one of ours or a ``StopFilter``; ``None`` otherwise. What
    :func:`_run_filters` gives, without a generator and a token per text."""
    steps: list[Callable[[list[str]], list[str]]] = []
    for item in filters:
        if type(item) is NewsNormalizeFilter:
            steps.append(_normalize_all)
        elif type(item) is StopFilter:
            steps.append(partial(_unstopped, item.stops, item.min, item.max))
        elif type(item) is SnowballStemFilter:
            steps.append(partial(_stemmed, item.stem))
        else:
            return None

    def run(texts: list[str]) -> list[str]:
        for step in steps:
            texts = step(texts)
        return texts

    return run


def _normalize_all(texts: list[str]) -> list[str]:
    return [normalize_word(t) if t else "" for t in texts]


def _unstopped(stops: frozenset[str], low: int, high: int | None, texts: list[str]) -> list[str]:
    return [
        t if len(t) >= low and (high is None or len(t) <= high) and t not in stops else ""
        for t in texts
    ]


def _stemmed(stem: Callable[[str], str], texts: list[str]) -> list[str]:
    return [stem(t) if t else "" for t in texts]


class FastAnalyzer:
    """Index terms and positions of a ``NltkTokenizer | filters...`` analyzer, fast.

    :param analyzer: the field's analyzer; its first item must be an
        :class:`~searcher.analysis.analyzers.NltkTokenizer`.
    """

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        tokenizer, *filters = analyzer.items
        if not isinstance(tokenizer, NltkTokenizer):
            raise TypeError(f"not an NltkTokenizer analyzer: {analyzer!r}")
        # All-ASCII text of our own pattern takes its faster ASCII form.
        self.findall = compile_pattern(tokenizer.pattern).findall
        # Split at the stemmer, to learn which word each stem came from.
        morph = next((i for i, f in enumerate(filters) if getattr(f, "is_morph", False)), None)
        self.before = filters if morph is None else filters[:morph]
        self.after = [] if morph is None else filters[morph:]
        self.renumber = any(isinstance(f, StopFilter) and f.renumber for f in filters)
        self._run_before = _direct(self.before) or partial(_run_filters, self.before)
        self._run_after = _direct(self.after) or partial(_run_filters, self.after)
        self.cache: dict[str, str] = {}
        #: The analyzer without its stemmer (``None`` if it has none), whose
        #: terms :meth:`words` gives from this one's cache.
        self.unstemmed = CompositeAnalyzer(tokenizer, *self.before) if self.after else None
        #: Each token's word before stemming, ``""`` for a dropped one.
        self.unstemmed_cache: dict[str, str] = {}
        #: (word, stem) pairs met since :meth:`take_stems` was last called.
        self.stems: list[tuple[str, str]] = []

    def _learn(self, raws: Iterable[str]) -> None:
        """Run the filters on tokens not in the cache, and cache their terms."""
        raws = list(dict.fromkeys(raws))
        terms = self._run_before(raws)
        if self.after:
            self.unstemmed_cache.update(zip(raws, terms, strict=True))
            words = [w for w in dict.fromkeys(terms) if w]
            stems = dict(zip(words, self._run_after(words), strict=True))
            self.stems += [(w, stem) for w, stem in stems.items() if stem and not is_number(w)]
            terms = [stems[w] if w else "" for w in terms]
        self.cache.update(zip(raws, terms, strict=True))

    def forget(self) -> None:
        """Empty the caches of tokens' terms and words."""
        self.cache.clear()
        self.unstemmed_cache.clear()

    def words(self, tokens: list[str]) -> list[str]:
        """Return each token's term under :attr:`unstemmed` (the word before
        stemming), ``""`` for a dropped one."""
        try:
            return list(map(self.unstemmed_cache.__getitem__, tokens))
        except KeyError:
            self.terms(tokens)  # learns them
        return list(map(self.unstemmed_cache.__getitem__, tokens))

    def take_stems(self) -> list[tuple[str, str]]:
        """Return, and forget, the (word, stem) pairs met since the last call."""
        stems, self.stems = self.stems, []
        return stems

    def tokens(self, text: str) -> list[str]:
        """Return the raw tokens of ``text``, before any filter."""
        found: list[str] = self.findall(text)
        return found

    def terms(self, tokens: list[str]) -> list[str]:
        """Return each token's term, ``""`` for a dropped one."""
        cache = self.cache
        try:  # most texts' tokens are all known: one pass, no test for misses
            return list(map(cache.__getitem__, tokens))
        except KeyError:
            pass
        if len(cache) >= TOKEN_CACHE_SIZE:
            self.forget()
            self._learn(tokens)
        else:
            self._learn(filterfalse(cache.__contains__, tokens))
        return list(map(cache.__getitem__, tokens))

    def positions(self, text: str) -> dict[str, list[int]]:
        """Return each term of ``text`` with its positions, in order of first use."""
        return self.token_positions(self.tokens(text))

    def token_positions(self, tokens: list[str]) -> dict[str, list[int]]:
        """Return each term of ``tokens`` with its positions, in order of first use."""
        terms = self.terms(tokens)
        kept = list(filter(None, terms))
        if len(kept) == len(terms):
            numbered: Any = enumerate(kept)
        elif self.renumber:  # Whoosh's StopFilter: the first kept token keeps its place
            numbered = enumerate(kept, next((i for i, t in enumerate(terms) if t), 0))
        else:
            numbered = ((i, t) for i, t in enumerate(terms) if t)
        found: dict[str, list[int]] = {}
        get = found.get
        for pos, term in numbered:
            plist = get(term)
            if plist is None:
                found[term] = [pos]
            else:
                plist.append(pos)
        return found
