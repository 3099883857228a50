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
from collections.abc import Callable
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
    candidates = []
    for candidate, edits in _near_words(reader, word):
        found = articles_with(reader, candidate)
        if found < max(1, frequency * FREQUENCY_FACTOR) or stem(candidate) == stem(word):
            continue
        candidates.append((edits, -found, candidate))
    return min(candidates)[2] if candidates else None


def _near_words(reader: Any, word: str) -> list[tuple[str, int]]:
    """Indexed words one edit from ``word`` (looked up directly: a few hundred
    lookups beat Whoosh's automaton walk of the lexicon), else, for words of five
    letters or more, two edits away with the first two letters kept."""
    near = [(w, 1) for w in near_words(reader, word, 1, 0, letters=LETTERS) - {word}]
    if near or len(word) < 5:
        return near
    found = near_words(reader, word, 2, 2)
    return [(w, distance(word, w)) for w in sorted(found) if w != word]


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
    changed = False
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word in _OPERATORS:
            continue
        better = respell_word(reader, fold(word), stem)
        if better is None:
            continue
        parts += [text[last : match.start()], better]
        last, changed = match.end(), True
    if not changed:
        return None
    respelled = "".join([*parts, text[last:]])
    found = count(respelled)
    LOGGER.debug("suggestion %r finds %d, the query %d", respelled, found, total)
    if found > total and found >= RESULTS_FACTOR * total:
        return respelled
    return None
