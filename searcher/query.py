"""Running a query: parse it, rank with BM25F, and cut highlighted snippets."""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Any

from whoosh import highlight, qparser
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.searching import Hit

from searcher import ranking
from searcher.errors import QueryError
from searcher.models import SearchHit, SearchResults, Segment

LOGGER = logging.getLogger(__name__)

#: Fields a bare word is looked up in (``byline:``/``source:``/``keywords:`` by name).
DEFAULT_FIELDS = ("title", "body")
#: How many highlighted fragments a hit carries, and their size in characters.
SNIPPETS_PER_HIT = 3
SNIPPET_CHARS = 200
#: Coordination bonus: with it, a document matching more query words ranks higher.
OR_BONUS = 0.9
_WORD_START = r"(?:^|(?<=[\s(]))"


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


def make_parser(ix: FileIndex, fields: Sequence[str] = DEFAULT_FIELDS) -> qparser.QueryParser:
    """Return the query parser: search-box semantics (any word may match), Whoosh syntax."""
    parser = qparser.MultifieldParser(
        list(fields), ix.schema, group=qparser.OrGroup.factory(OR_BONUS)
    )
    # +word is required and -word excluded, but only at a word's start, so
    # "US-Iraq" and "make-or-break" stay words.
    parser.add_plugin(
        qparser.PlusMinusPlugin(plusexpr=_WORD_START + r"\+", minusexpr=_WORD_START + "-")
    )
    return parser


def apply_exclusions(query: wq.Query) -> wq.Query:
    """Make ``NOT`` exclude, as in a search box: ``troops NOT panetta`` is troops
    without panetta, not "troops, or anything without panetta" (Whoosh's reading)."""
    if isinstance(query, wq.Or):
        parts = [apply_exclusions(q) for q in query.subqueries]
        negated = [q.query for q in parts if isinstance(q, wq.Not)]
        positive = [q for q in parts if not isinstance(q, wq.Not)]
        rebuilt = copy.copy(query)
        rebuilt.subqueries = positive or parts
        if negated and positive:
            exclusion = negated[0] if len(negated) == 1 else wq.Or(negated)
            return wq.AndNot(rebuilt, exclusion)
        return rebuilt
    if isinstance(query, wq.CompoundQuery):
        rebuilt = copy.copy(query)
        rebuilt.subqueries = [apply_exclusions(q) for q in query.subqueries]
        return rebuilt
    return query


def _snippets(hit: Hit) -> tuple[tuple[Segment, ...], ...]:
    fragments: list[tuple[Segment, ...]] = hit.highlights("body", top=SNIPPETS_PER_HIT) or []
    if fragments:
        return tuple(fragments)
    body: str = hit.get("body", "")
    if not body:
        return ()
    lead = body[:SNIPPET_CHARS].rsplit(" ", 1)[0] if len(body) > SNIPPET_CHARS else body
    return ((Segment(lead, False),),)


def _to_hit(hit: Hit) -> SearchHit:
    title = hit.get("title") or hit.get("body", "")[:80]
    return SearchHit(
        rank=hit.rank + 1,
        score=float(hit.score),
        id=hit["id"],
        path=hit["path"],
        title=title,
        byline=hit.get("byline", ""),
        source=hit.get("source", ""),
        date=hit.get("date"),
        url=hit.get("url", ""),
        snippets=_snippets(hit),
    )


def search(ix: FileIndex, text: str, *, limit: int = 10) -> SearchResults:
    """Rank the articles of ``ix`` for ``text`` and return the top ``limit``.

    :param text: words, phrases in quotes, ``AND``/``OR``/``NOT``, ``field:value``.
    :param limit: how many hits to return (at least 1).
    :raises QueryError: the query is empty or cannot be run.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    if not text.strip():
        raise QueryError('Empty query; give words to search for, e.g. "legal immunity".')
    query = apply_exclusions(make_parser(ix).parse(text))
    with ix.searcher(weighting=ranking.make_weighting()) as searcher:
        results = searcher.search(ranking.rewrite(query, searcher), limit=limit, terms=True)
        results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        results.formatter = SegmentFormatter()
        hits = tuple(_to_hit(hit) for hit in results)
        return SearchResults(query=text, parsed=str(query), total=len(results), hits=hits)
