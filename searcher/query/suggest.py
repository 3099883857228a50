"""'Did you mean': respelling rare query words from the unstemmed ``words`` field.

The body field is stemmed, so its terms (``immun``) are not words to suggest;
the ``words`` field (a :class:`~searcher.schema.LEXICON`) holds every title and
body word folded but unstemmed, with the number of articles that have it. A
query word is respelled only when it is rare (in at most :data:`RARE_DOCS`
articles) and a word within one or two edits is in at least
:data:`FREQUENCY_FACTOR` times as many. The caller shows the suggestion only
when the respelled query finds clearly more articles.

Part of the present stage. Imports Whoosh's public ``support.levenshtein``,
``searcher.analysis`` (to fold words) and :mod:`searcher.query.lexicon`; no
other part of query/.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from whoosh.support.levenshtein import distance

from searcher.analysis import fold
from searcher.query.lexicon import LETTERS, articles_with, near_words

LOGGER = logging.getLogger(__name__)

#: A query word found in more articles than this is taken as spelled right.
RARE_DOCS = 2
#: A replacement must be in this many times more articles than the word.
FREQUENCY_FACTOR = 10
#: The respelled query must find at least this many times as many articles.
RESULTS_FACTOR = 2

# A plain word: not a field name or value (byline:luce), not fuzzy (word~),
# not a number; operators are skipped below.
_WORD = re.compile(r"(?<![\w:~*?])[^\W\d_]{3,}(?![\w:~*?])")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})


def respell_word(reader: Any, word: str, stem: Callable[[str], str]) -> str | None:
    """Return the better-spelled word for ``word`` (folded), or ``None``.

    :param reader: a Whoosh reader of an index with a ``words`` field.
    :param stem: maps a word to its body term; a candidate with the same stem
        would find the same articles, so it is no suggestion.
    """
    frequency = articles_with(reader, word)
    if frequency > RARE_DOCS:
        return None
    candidates = [(c, edits, articles_with(reader, c)) for c, edits in _near_words(reader, word)]
    return best_respelling(word, frequency, candidates, stem)


def best_respelling(
    word: str,
    frequency: int,
    candidates: Iterable[tuple[str, int, int]],
    stem: Callable[[str], str],
) -> str | None:
    """The better spelling of ``word`` (in ``frequency`` articles) among its
    near words, ``candidates`` of (word, edits, articles), or ``None``: the
    fewest edits, then the most articles, and at least
    :data:`FREQUENCY_FACTOR` times as many as ``word``'s."""
    if frequency > RARE_DOCS:
        return None
    options = []
    for candidate, edits, found in candidates:
        if found < max(1, frequency * FREQUENCY_FACTOR) or stem(candidate) == stem(word):
            continue
        options.append((edits, -found, candidate))
    return min(options)[2] if options else None


def _near_words(reader: Any, word: str) -> list[tuple[str, int]]:
    """Indexed words one edit from ``word`` (looked up directly: a few hundred
    lookups beat Whoosh's automaton walk of the lexicon), else, for words of five
    letters or more, two edits away with the first two letters kept."""
    near = _one_edit(reader, word)
    if near or len(word) < 5:
        return near
    return _two_edits(reader, word)


def _one_edit(reader: Any, word: str) -> list[tuple[str, int]]:
    return [(w, 1) for w in near_words(reader, word, 1, 0, letters=LETTERS) - {word}]


def _two_edits(reader: Any, word: str) -> list[tuple[str, int]]:
    found = near_words(reader, word, 2, 2)
    return [(w, distance(word, w)) for w in sorted(found) if w != word]


#: What one shard knows of a query word's spelling: (articles with it, its
#: stem, {near word: (edits, articles with it, its stem, from the two-edit walk)}).
Evidence = dict[str, tuple[int, str, dict[str, tuple[int, int, str, bool]]]]


def spelling_evidence(reader: Any, text: str, stem: Callable[[str], str]) -> Evidence:
    """For each word :func:`suggest` may respell in ``text``: what this index
    (one shard of several) knows of it, for :func:`respell_from` to add up."""
    found: Evidence = {}
    for word in {fold(w) for w in _plain_words(text)}:
        near = {w: (e, False) for w, e in _one_edit(reader, word)}
        if not near and len(word) >= 5:  # the shards' one-edit words may all be missing
            near = {w: (e, True) for w, e in _two_edits(reader, word)}
        found[word] = (
            articles_with(reader, word),
            stem(word),
            {w: (e, articles_with(reader, w), stem(w), walked) for w, (e, walked) in near.items()},
        )
    return found


def respell_from(parts: Iterable[Evidence]) -> Callable[[str], str | None]:
    """:func:`respell_word` over several shards, from their :func:`spelling_evidence`."""
    words: dict[str, int] = {}
    stems: dict[str, str] = {}
    near: dict[str, dict[str, tuple[int, int, bool]]] = {}
    for part in parts:
        for word, (frequency, stem, candidates) in part.items():
            words[word] = words.get(word, 0) + frequency
            stems[word] = stem
            mine = near.setdefault(word, {})
            for candidate, (edits, found, candidate_stem, walked) in candidates.items():
                stems[candidate] = candidate_stem
                _, before, _ = mine.get(candidate, (edits, 0, walked))
                mine[candidate] = (edits, before + found, walked)

    def respell(word: str) -> str | None:
        if word not in words:
            return None
        candidates = near[word]
        one = [(c, e, n) for c, (e, n, walked) in candidates.items() if not walked]
        if not one and len(word) >= 5:
            one = [(c, e, n) for c, (e, n, walked) in sorted(candidates.items()) if walked]
        return best_respelling(word, words[word], one, stems.__getitem__)

    return respell


def _plain_words(text: str) -> list[str]:
    return [m.group() for m in _WORD.finditer(text) if m.group() not in _OPERATORS]


def respelled_text(text: str, respell: Callable[[str], str | None]) -> str | None:
    """``text`` with each word ``respell`` (given it folded) improves replaced,
    or ``None`` when none is."""
    changed = False
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word in _OPERATORS:
            continue
        better = respell(fold(word))
        if better is None:
            continue
        parts += [text[last : match.start()], better]
        last, changed = match.end(), True
    return "".join([*parts, text[last:]]) if changed else None


def worth_suggesting(respelled: str | None, total: int, found: int) -> str | None:
    """``respelled`` when it finds clearly more than the query's ``total``."""
    LOGGER.debug("suggestion %r finds %d, the query %d", respelled, found, total)
    if respelled is not None and found > total and found >= RESULTS_FACTOR * total:
        return respelled
    return None


def suggest(
    reader: Any,
    text: str,
    total: int,
    count: Callable[[str], int],
    stem: Callable[[str], str],
) -> str | None:
    """Return ``text`` with rare words respelled, when that finds clearly more.

    :param total: how many articles ``text`` finds.
    :param count: how many articles a query text finds (same filters).
    """
    respelled = respelled_text(text, lambda word: respell_word(reader, word, stem))
    if respelled is None:
        return None
    return worth_suggesting(respelled, total, count(respelled))
