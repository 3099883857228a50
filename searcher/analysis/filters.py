"""The filters of our analyzers: news normalisation (case, accents, ``U.S.``,
``39,000``) and Snowball stemming.

Part of :mod:`searcher.analysis`: the classes are pickled into every index as
``searcher.analysis.<name>``, so they pickle without their caches and compare
equal by configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Composable, Token

from searcher.analysis.stems import LEARNT, learn_stem
from searcher.analysis.tokenizer import NltkTokenizer, fold  # noqa: F401  # NltkTokenizer: doctests


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
        stem = LEARNT.get(word)
        if stem is None:
            stem = learn_stem(word, self.cachesize)
        return stem

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self.stem
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token
