"""'Did you mean': respelling rare query words from the unstemmed ``words`` field.

The body field is stemmed, so its terms (``immun``) are not words to suggest;
the ``words`` field (a :class:`~searcher.schema.LEXICON`) holds every title and
body word folded but unstemmed, with the number of articles that have it. A
query word is respelled only when it is rare (in at most :data:`RARE_DOCS`
articles) and a word within one or two edits is in at least
:data:`FREQUENCY_FACTOR` times as many. The caller shows the suggestion only
when the respelled query finds clearly more articles.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from whoosh.support.levenshtein import distance

from searcher.analysis import fold

LOGGER = logging.getLogger(__name__)

#: The unstemmed, unstored field suggestions come from.
WORDS_FIELD = "words"
#: A query word found in more articles than this is taken as spelled right.
RARE_DOCS = 2
#: A replacement must be in this many times more articles than the word.
FREQUENCY_FACTOR = 10
#: The respelled query must find at least this many times as many articles.
RESULTS_FACTOR = 2

# A plain word: not a field name or value (byline:luce), not fuzzy (word~),
# not a number; operators are skipped below.
_WORD = re.compile(r"(?<![\w:~*?])[^\W\d_]{3,}(?![\w:~*?])")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Letters a fuzzy word's one-edit neighbours are made of (besides its own).
_EDIT_LETTERS = _LETTERS + "0123456789"
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


def articles_with(reader: Any, word: str) -> int:
    """How many articles have ``word`` (folded), from the ``words`` lexicon (an
    article deleted since its segment was written still counts, as in Whoosh's
    document frequencies)."""
    return int(reader.frequency(WORDS_FIELD, word))


def edits1(word: str, letters: str = _LETTERS) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion (of
    one of ``letters``) away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | transposes | replaces | inserts) - {word}


def near_words(
    reader: Any, word: str, maxdist: int, prefix: int, *, letters: str | None = None
) -> set[str]:
    """The index's words (``words`` field) within ``maxdist`` edits of ``word``
    that keep its first ``prefix`` letters, as Whoosh's ``terms_within`` finds them.

    One edit away, the few hundred strings one edit from ``word`` are looked up
    (with letters a-z, digits and the word's own: a word one foreign letter away
    is missed), instead of Whoosh's walk of the whole lexicon (1.9 s on Reuters).
    Further away, the walk measures only words of a length within reach.

    :param letters: the letters of one-edit strings, instead of those.
    """
    if maxdist <= 1:
        alphabet = _EDIT_LETTERS + word if letters is None else letters
        candidates = {word} | (edits1(word, alphabet) if maxdist == 1 else set())
        start = word[:prefix]
        return {w for w in candidates if w.startswith(start) and (WORDS_FIELD, w) in reader}
    field = reader.schema[WORDS_FIELD]
    shortest, longest = len(word) - maxdist, len(word) + maxdist
    found = set()
    for text in reader.expand_prefix(WORDS_FIELD, word[:prefix]):
        known = field.from_bytes(text)
        if shortest <= len(known) <= longest and distance(known, word, limit=maxdist) <= maxdist:
            found.add(known)
    return found


def _near_words(reader: Any, word: str) -> list[tuple[str, int]]:
    """Indexed words one edit from ``word`` (looked up directly: a few hundred
    lookups beat Whoosh's automaton walk of the lexicon), else, for words of five
    letters or more, two edits away with the first two letters kept."""
    near = [(w, 1) for w in near_words(reader, word, 1, 0, letters=_LETTERS) - {word}]
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
