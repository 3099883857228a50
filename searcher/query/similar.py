"""More like this: the articles closest to a given one.

The given article's body is reduced to its most distinctive terms (Whoosh's
Bo1 key terms over the headline and body, as the body field indexes them), and
those terms are searched for, OR'd
and weighted, in the body field. Its near-duplicates, which share nearly all
its terms, come out on top.

The terms are scored as the execute stage scores a query
(:mod:`searcher.query.bulkscore`, or Whoosh's collector), and the hits are
presented as a search's are (:func:`searcher.query.present.to_hit`, snippets
from :mod:`searcher.query.snippets`).

Imports Whoosh's public query, index and searching modules, ``searcher.models``
and ``searcher.errors``, and the execute and present stages; not
:mod:`searcher.query.search`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from whoosh import classify
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.searching import Results, Searcher

from searcher.errors import ArgumentError
from searcher.models import SearchResults
from searcher.query import bulkscore
from searcher.query.execute import searching
from searcher.query.ids import resolve_id
from searcher.query.present import to_hit
from searcher.query.shardstats import CorpusStats, local_statistics
from searcher.query.snippets import snippet_cutter
from searcher.schema import indexed_body

LOGGER = logging.getLogger(__name__)

#: How many key terms of the article are searched for.
KEY_TERMS = 15


#: An article's body words and their weight in its text (Whoosh's ``Expander.add_text``).
Words = dict[str, float]


def article_words(searcher: Searcher, article_id: str) -> tuple[str, Words]:
    """The whole id of the article ``article_id`` names (the id or a unique
    beginning of it) and its body words, weighted, from which
    :func:`choose_key_terms` picks the key terms.

    :raises ArticleNotFoundError: as :func:`similar`.
    """
    docnum = resolve_id(searcher, article_id)
    stored = searcher.stored_fields(docnum)
    # The text the body field indexes (headline included), not the stored body.
    text = indexed_body(stored.get("title", ""), stored.get("body", ""))
    field = searcher.schema["body"]
    words: Words = {}
    for token, _, weight, _ in field.index(text):
        word = field.from_bytes(token)
        words[word] = words.get(word, 0.0) + weight
    return stored["id"], words


def choose_key_terms(
    words: Words, docs: int, body_length: int, frequency: Callable[[str], int | None]
) -> list[tuple[str, float]]:
    """The :data:`KEY_TERMS` most distinctive of ``words``, weighted, as Whoosh's
    Bo1 key terms choose them (``Searcher.key_terms_from_text``) in an index of
    ``docs`` documents whose body terms number ``body_length``.

    :param frequency: a word's collection frequency (its occurrences in the
        whole index), ``None`` when the index does not hold it: one index's,
        or the sum over a sharded index's shards.
    """
    model = classify.Bo1Model(docs, body_length)
    scored: list[tuple[float, str]] = []
    top = 0.0
    for word, weight in words.items():
        found = frequency(word)
        if found is None:
            continue
        score = model.score(weight, found, 0)
        top = max(top, score)
        scored.append((score, word))
    if not scored:
        return []
    norm = model.normalizer(top, 0)
    ranked = sorted(((score / norm, word) for score, word in scored), key=_heaviest)
    return [(word, weight) for weight, word in ranked[:KEY_TERMS]]


def _heaviest(item: tuple[float, str]) -> tuple[float, str]:
    return -item[0], item[1]


def key_terms(searcher: Searcher, article_id: str) -> tuple[str, list[tuple[str, float]]]:
    """The whole id of the article ``article_id`` names and its :data:`KEY_TERMS`
    most distinctive body terms, weighted, by this index's frequencies, as
    :func:`similar` searches for them.

    :raises ArticleNotFoundError: as :func:`similar`.
    """
    full_id, words = article_words(searcher, article_id)
    reader = searcher.reader()
    return full_id, choose_key_terms(
        words,
        reader.doc_count_all(),
        reader.field_length("body"),
        lambda word: collection_frequency(reader, word),
    )


def collection_frequency(reader: Any, word: str) -> int | None:
    """How often the index of ``reader`` holds the body word ``word`` (``None``: never)."""
    term = reader.schema["body"].to_bytes(word)
    return int(reader.frequency("body", term)) if ("body", term) in reader else None


def word_statistics(searcher: Searcher, words: Iterable[str]) -> tuple[CorpusStats, dict[str, int]]:
    """This index's statistics for the body ``words`` (one shard of several):
    their document frequencies, and the collection frequencies of those it
    holds (added up over the shards, for :func:`choose_key_terms`)."""
    reader = searcher.reader()
    held = {}
    for word in words:
        found = collection_frequency(reader, word)
        if found is not None:
            held[word] = found
    field = searcher.schema["body"]
    keys = [("body", field.to_bytes(word)) for word in words]
    return local_statistics(searcher, keys), held


def similar(
    ix: FileIndex,
    article_id: str,
    *,
    limit: int = 10,
    searcher: Searcher | None = None,
    terms: Sequence[tuple[str, float]] | None = None,
    stats: CorpusStats | None = None,
) -> SearchResults:
    """Return the ``limit`` articles of ``ix`` most like the one with ``article_id``.

    :param searcher: an open searcher of ``ix`` (made with
        :func:`searcher.query.execute.open_searcher`) to reuse; it is left open.
    :param terms: when ``ix`` is one shard of a sharded index, the article's
        key terms (:func:`key_terms`, from the shard holding it, which may be
        another): ``article_id`` is then the whole id, and the article is
        left out of the hits if it is in ``ix``.
    :param stats: with ``terms``, the whole index's statistics to score with.
    :raises ArticleNotFoundError: no article's id is, or uniquely begins with,
        ``article_id`` (:class:`AmbiguousIdError` when several begin with it).
    """
    if limit < 1:
        raise ArgumentError(f"limit must be at least 1, not {limit}")
    with searching(ix, searcher, stats) as searcher:
        if terms is None:
            article_id, terms = key_terms(searcher, article_id)
        docnum = searcher.document_number(id=article_id)  # None: in another shard
        query = wq.Or([wq.Term("body", term, boost=weight) for term, weight in terms])
        if not terms:
            return SearchResults(query=article_id, parsed="", total=0, hits=())
        if bulkscore.supported(searcher):
            scorer = bulkscore.BulkScorer(searcher)
            others = scorer.matching(query) - {docnum}
            results = Results(searcher, query, scorer.top(query, limit, others))
            total = len(others)
        else:
            results = searcher.search(
                query, limit=limit, filter=None, mask=wq.Term("id", article_id), terms=True
            )
            total = len(results)
        cutter = snippet_cutter(results)
        hits = tuple(to_hit(hit, rank, cutter) for rank, hit in enumerate(results, 1))
        return SearchResults(query=article_id, parsed=str(query), total=total, hits=hits)
