"""The index's word list: the unstemmed ``words`` field (a
:class:`~searcher.schema.LEXICON`), which holds every title and body word folded
but unstemmed, with the number of articles that have it.

Read by the plan stage, to expand ``word~`` fuzzy terms
(:mod:`searcher.query.fuzzy`), and by the present stage, for "did you mean"
(:mod:`searcher.query.suggest`).

Imports Whoosh's public ``support.levenshtein``; nothing of searcher.
"""

from __future__ import annotations

from typing import Any

from whoosh.support.levenshtein import distance

#: The unstemmed, unstored field of the index's words.
WORDS_FIELD = "words"
#: Letters of the one-edit neighbours of a word.
LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Letters a fuzzy word's one-edit neighbours are made of (besides its own).
_EDIT_LETTERS = LETTERS + "0123456789"


def articles_with(reader: Any, word: str) -> int:
    """How many articles have ``word`` (folded), from the ``words`` lexicon (an
    article deleted since its segment was written still counts, as in Whoosh's
    document frequencies)."""
    return int(reader.frequency(WORDS_FIELD, word))


def edits1(word: str, letters: str = LETTERS) -> set[str]:
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
