"""Fuzzy words through stemming: the plan stage's expansion of ``word~`` terms.

The body and title fields hold stems, so a fuzzy term cannot be matched
against them directly: ``immunty~`` is looked up among the index's unstemmed
words (:mod:`searcher.query.lexicon`), and the stems of those within reach
are searched for. Wildcards, prefixes and ranges are left to Whoosh, which
expands them when the query runs (after :mod:`searcher.query.checks` has
counted what they stand for).

Imports Whoosh's public query and searching modules and
:mod:`searcher.query.lexicon`; no other part of query/.
"""

from __future__ import annotations

import logging

from whoosh import query as wq
from whoosh.searching import Searcher

from searcher.query.lexicon import near_words

LOGGER = logging.getLogger(__name__)

#: Fields whose terms are stems: fuzzy terms on them are expanded via ``words``.
STEMMED_FIELDS = frozenset({"title", "body"})


#: A fuzzy word's near words: (word, edits, prefix) -> the index's words.
NearWords = dict[tuple[str, int, int], set[str]]


def expand_fuzzy(
    query: wq.Query, searcher: Searcher, *, max_edits: int = 2, near: NearWords | None = None
) -> wq.Query:
    """Replace fuzzy terms on stemmed fields by the stems of the index's words
    within the edit distance: ``immunty~`` finds "immunity" though its stem
    (``immun``) is two edits from the misspelling's (``immunti``).

    :param max_edits: fuzzy terms allowing more edits are left as they are, for
        :func:`searcher.query.checks.check_query` to refuse (looking for words ``oil~9``
        away would read every word of the index first).
    :param near: near words already known (the whole sharded index's), used
        as they are; the words found here are added to it.
    """
    return _expand_fuzzy(query, searcher, {} if near is None else near, max_edits)


def _expand_fuzzy(
    query: wq.Query,
    searcher: Searcher,
    near: NearWords,
    max_edits: int,
) -> wq.Query:
    if (
        isinstance(query, wq.FuzzyTerm)
        and query.fieldname in STEMMED_FIELDS
        and query.maxdist <= max_edits
    ):
        key = (query.text, query.maxdist, query.prefixlength)
        if key not in near:  # title:word~ and body:word~ ask for the same words
            near[key] = near_words(searcher.reader(), *key)
        field = searcher.schema[query.fieldname]
        stems = sorted({t for w in near[key] for t in field.process_text(w, mode="query")})
        if not stems:
            return wq.NullQuery
        terms = [wq.Term(query.fieldname, stem, boost=query.boost) for stem in stems]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    return query.apply(lambda q: _expand_fuzzy(q, searcher, near, max_edits))
