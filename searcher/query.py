"""Running a query: parse it, rank with BM25F, and cut highlighted snippets."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from whoosh import highlight, qparser, sorting
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.searching import Hit, Results, Searcher
from whoosh.util.times import long_to_datetime

from searcher import ranking
from searcher.analysis import fold
from searcher.collapse import DuplicateFinder
from searcher.errors import QueryError
from searcher.facets import grouping, read_facets
from searcher.models import SearchHit, SearchResults, Segment
from searcher.querydates import DateClausePlugin, DateLike, date_filter
from searcher.suggest import WORDS_FIELD, suggest

LOGGER = logging.getLogger(__name__)

#: Fields a bare word is looked up in (``byline:``/``source:``/``keywords:`` by name).
DEFAULT_FIELDS = ("title", "body")
#: How many highlighted fragments a hit carries, and their size in characters.
SNIPPETS_PER_HIT = 3
SNIPPET_CHARS = 200
#: Coordination bonus: with it, a document matching more query words ranks higher.
OR_BONUS = 0.9
_WORD_START = r"(?:^|(?<=[\s(]))"
#: Fields whose terms are stems: fuzzy terms on them are expanded via ``words``.
STEMMED_FIELDS = frozenset({"title", "body"})
#: ``section:politics`` and ``topic:cocoa`` search the ``keywords`` field.
FIELD_ALIASES = {"keywords": ["section", "sections", "topic", "topics", "keyword"]}
FIELD_ALIASES_REVERSE = {alias: f for f, aliases in FIELD_ALIASES.items() for alias in aliases}
#: What ``filters=`` accepts, and the fields they restrict.
FILTER_FIELDS = frozenset({"byline", "source", "keywords"})
FILTER_NAMES = FILTER_FIELDS | FIELD_ALIASES_REVERSE.keys()
SORTS = ("relevance", "newest", "oldest")
#: Extra hits fetched beyond the page, so collapsing rarely needs a second search.
COLLAPSE_SLACK = 10
#: "Did you mean" is tried only for queries finding fewer articles than this.
SUGGEST_BELOW = 50


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


class _FuzzyWordPlugin(qparser.FuzzyTermPlugin):  # type: ignore[misc]
    """``word~`` and ``word~2``: the word is kept unstemmed (folded) so that
    :func:`expand_fuzzy` can look it up among the index's unstemmed words."""

    class FuzzyTermNode(qparser.FuzzyTermPlugin.FuzzyTermNode):  # type: ignore[misc]
        def query(self, parser: Any) -> wq.Query:
            return wq.FuzzyTerm(
                self.fieldname or parser.fieldname,
                fold(self.text),
                boost=self.boost,
                maxdist=self.maxdist,
                prefixlength=self.prefixlength,
            )


def make_parser(
    ix: FileIndex, fields: Sequence[str] = DEFAULT_FIELDS, *, now: datetime | None = None
) -> qparser.QueryParser:
    """Return the query parser: search-box semantics (any word may match), Whoosh
    syntax, our ``date:`` clauses, ``word~`` fuzzy terms, ``section:`` for keywords.

    :param now: the present, for relative dates in ``date:`` clauses.
    """
    parser = qparser.MultifieldParser(
        list(fields), ix.schema, group=qparser.OrGroup.factory(OR_BONUS)
    )
    # +word is required and -word excluded, but only at a word's start, so
    # "US-Iraq" and "make-or-break" stay words.
    parser.add_plugin(
        qparser.PlusMinusPlugin(plusexpr=_WORD_START + r"\+", minusexpr=_WORD_START + "-")
    )
    parser.add_plugin(DateClausePlugin(now))
    parser.add_plugin(_FuzzyWordPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


def expand_fuzzy(query: wq.Query, searcher: Searcher) -> wq.Query:
    """Replace fuzzy terms on stemmed fields by the stems of the index's words
    within the edit distance: ``immunty~`` finds "immunity" though its stem
    (``immun``) is two edits from the misspelling's (``immunti``)."""
    if isinstance(query, wq.FuzzyTerm) and query.fieldname in STEMMED_FIELDS:
        reader = searcher.reader()
        words = reader.terms_within(
            WORDS_FIELD, query.text, query.maxdist, prefix=query.prefixlength
        )
        field = searcher.schema[query.fieldname]
        stems = sorted({t for w in words for t in field.process_text(w, mode="query")})
        if not stems:
            return wq.NullQuery
        terms = [wq.Term(query.fieldname, stem, boost=query.boost) for stem in stems]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    return query.apply(lambda q: expand_fuzzy(q, searcher))


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


def to_hit(hit: Hit, rank: int, similar_ids: tuple[str, ...] = ()) -> SearchHit:
    """Convert a Whoosh hit to a :class:`SearchHit` ranked ``rank``, with snippets."""
    title = hit.get("title") or hit.get("body", "")[:80]
    return SearchHit(
        rank=rank,
        # Sorted by date, Whoosh's "score" is the sort key: no relevance score.
        score=float(hit.score) if isinstance(hit.score, int | float) else 0.0,
        id=hit["id"],
        path=hit["path"],
        title=title,
        byline=hit.get("byline", ""),
        source=hit.get("source", ""),
        date=hit.get("date"),
        url=hit.get("url", ""),
        snippets=_snippets(hit),
        similar_count=len(similar_ids),
        similar_ids=similar_ids,
    )


def _is_restriction(query: wq.Query) -> bool:
    """A ``date:`` clause, or a clause only on byline, source or keywords."""
    if isinstance(query, wq.NumericRange):
        return bool(query.fieldname == "date")
    if isinstance(query, wq.Not | wq.AndNot | wq.Or):
        return False
    if not isinstance(query, wq.Term | wq.And | wq.Phrase):
        return False
    fields = {f for f, _ in query.iter_all_terms()}
    return bool(fields) and fields <= FILTER_FIELDS


def hoist_restrictions(query: wq.Query) -> wq.Query:
    """Make top-level ``date:``, ``byline:``, ``source:`` and ``section:`` clauses
    restrict the results, as in a search box: ``immunity date:2011-10`` is
    immunity *in* October 2011, not "immunity, or anything from October 2011"."""
    if isinstance(query, wq.AndNot):
        rebuilt = copy.copy(query)
        rebuilt.a = hoist_restrictions(query.a)
        return rebuilt
    if not isinstance(query, wq.Or):
        return query
    restrictions = [q for q in query.subqueries if _is_restriction(q)]
    if not restrictions:
        return query
    rest = [q for q in query.subqueries if not _is_restriction(q)]
    if not rest:
        return wq.And(restrictions)
    rebuilt = copy.copy(query)
    rebuilt.subqueries = rest
    return wq.And([rebuilt if len(rest) > 1 else rest[0], *restrictions])


def explain(query: wq.Query | None) -> str:
    """Return the query as text, with date ranges shown as ISO dates."""
    if query is None:
        return ""

    def iso(match: re.Match[str]) -> str:
        ends = [long_to_datetime(int(g)).isoformat() if g else "" for g in match.groups()]
        return f"date:[{ends[0]} TO {ends[1]}]"

    return re.sub(r"date:\[(\d*) TO (\d*)\]", iso, str(query))


def _filter_query(ix: FileIndex, filters: Mapping[str, str]) -> list[wq.Query]:
    parts: list[wq.Query] = []
    for name, value in filters.items():
        field = FIELD_ALIASES_REVERSE.get(name, name)
        if field not in FILTER_FIELDS:
            raise ValueError(f"cannot filter on {name!r}; use one of {sorted(FILTER_NAMES)}")
        if field == "keywords":
            terms = [value.strip().lower()] if value.strip() else []
        else:
            terms = list(ix.schema[field].process_text(value, mode="query"))
        if not terms:
            raise QueryError(f"The {name} filter {value!r} has no words to match.")
        parts += [wq.Term(field, term) for term in terms]
    return parts


def _sorting(sort: str) -> sorting.FacetType | None:
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    if sort == "relevance":
        return None
    # Undated articles go last in both orders.
    dated_first = sorting.QueryFacet({0: wq.Every("date")}, other=1)
    return sorting.MultiFacet([dated_first, sorting.FieldFacet("date", reverse=sort == "newest")])


def search(
    ix: FileIndex,
    text: str,
    *,
    limit: int = 10,
    page: int = 1,
    since: DateLike | None = None,
    until: DateLike | None = None,
    sort: str = "relevance",
    filters: Mapping[str, str] | None = None,
    facets: bool = False,
    collapse: bool = True,
    now: datetime | None = None,
) -> SearchResults:
    """Rank the articles of ``ix`` for ``text`` and return one page of hits.

    :param text: words, phrases in quotes, ``AND``/``OR``/``NOT``, ``field:value``
        (``byline:``, ``source:``, ``section:``), ``word~`` (fuzzy) and ``date:``
        clauses (``date:2011-10``, ``date:[2011-10-01 TO 2011-10-31]``, ``date:>2011``).
    :param limit: hits per page (at least 1).
    :param page: which page of hits, from 1.
    :param since: keep articles from the start of this date's period, e.g.
        ``"2011-10"``, ``"17 October 2011"``, ``"last week"``, a date or a datetime.
    :param until: keep articles up to the end of this date's period.
    :param sort: ``"relevance"``, ``"newest"`` or ``"oldest"``.
    :param filters: ``{"byline": ..., "source": ..., "section": ...}``: every
        word of each must match that field.
    :param facets: count all matching articles by source and by month.
    :param collapse: fold near-duplicates (the same wire copy) into one hit.
    :param now: the present, for relative dates (default: now, UTC).
    :raises QueryError: the query is empty or cannot be run.
    :raises DateError: a date cannot be read.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    if page < 1:
        raise ValueError(f"page must be at least 1, not {page}")
    if not text.strip():
        raise QueryError('Empty query; give words to search for, e.g. "legal immunity".')
    sortedby = _sorting(sort)
    parser = make_parser(ix, now=now)
    query = hoist_restrictions(apply_exclusions(parser.parse(text)))
    restrictions = _filter_query(ix, filters or {})
    dates = date_filter(since, until, now=now)
    if dates is not None:
        restrictions.append(dates)
    restrict = (
        (wq.And(restrictions) if len(restrictions) > 1 else restrictions[0])
        if restrictions
        else None
    )
    with ix.searcher(weighting=ranking.make_weighting()) as searcher:
        final = ranking.rewrite(expand_fuzzy(query, searcher), searcher)
        run = _Run(searcher, final, restrict, sortedby)
        results = run.results(page * limit + (COLLAPSE_SLACK if collapse else 0), facets)
        total = len(results)
        leaders = run.leaders(results, page * limit, collapse)
        hits = tuple(
            to_hit(hit, rank, run.finder.ids(group))
            for rank, (hit, group) in enumerate(leaders, 1)
            if rank > (page - 1) * limit
        )
        suggestion = None
        if total < SUGGEST_BELOW:
            suggestion = suggest(
                searcher.reader(),
                text,
                total,
                lambda t: run.count(hoist_restrictions(apply_exclusions(parser.parse(t)))),
                lambda w: "".join(ix.schema["body"].process_text(w, mode="query")),
            )
        return SearchResults(
            query=text,
            parsed=explain(final) + (f" FILTER {explain(restrict)}" if restrict else ""),
            total=total,
            hits=hits,
            page=page,
            facets=read_facets(results) if facets else None,
            suggestion=suggestion,
        )


class _Run:
    """One query's searches: the ranked hits, re-fetched deeper when collapsing
    near-duplicates leaves too few, and the counts of respelled queries."""

    def __init__(
        self,
        searcher: Searcher,
        query: wq.Query,
        restrict: wq.Query | None,
        sortedby: sorting.FacetType | None,
    ) -> None:
        self.searcher = searcher
        # The restriction as a set of docnums, and nothing to search when it is
        # empty: Whoosh's FilterCollector takes an empty allow-set for "no
        # filter" when counting, so len(results) would count everything.
        self.allowed = set(searcher.docs_for_query(restrict)) if restrict is not None else None
        self.query = wq.NullQuery if self.allowed == set() else query
        self.sortedby = sortedby
        self._results: Results | None = None
        self.finder = DuplicateFinder(searcher, lambda: self._matched())
        self._groups: dict[int, list[int]] = {}

    def _matched(self) -> Collection[int]:
        assert self._results is not None
        return self._results.docs()  # type: ignore[no-any-return]

    def results(self, depth: int, facets: bool = False) -> Results:
        results = self.searcher.search(
            self.query,
            limit=depth,
            filter=self.allowed,
            sortedby=self.sortedby,
            groupedby=grouping() if facets else None,
            terms=True,
        )
        results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        results.formatter = SegmentFormatter()
        self._results = results
        return results

    def leaders(self, results: Results, want: int, collapse: bool) -> list[tuple[Hit, list[int]]]:
        """Return the first ``want`` hits, each with its collapsed near-duplicates."""
        while True:
            leaders: list[tuple[Hit, list[int]]] = []
            absorbed: set[int] = set()
            for hit in results:
                if hit.docnum in absorbed:
                    continue
                group: list[int] = []
                if collapse:
                    if hit.docnum not in self._groups:
                        signature = hit.fields().get("signature")
                        self._groups[hit.docnum] = self.finder.duplicates(hit.docnum, signature)
                    group = [d for d in self._groups[hit.docnum] if d not in absorbed]
                    absorbed.update(group)
                leaders.append((hit, group))
                if len(leaders) == want:
                    return leaders
            if results.scored_length() < len(results) and results.scored_length() > 0:
                results = self.results(results.scored_length() * 4)
                continue
            return leaders

    def count(self, query: wq.Query) -> int:
        """Return how many articles ``query`` finds under the same restrictions."""
        final = ranking.rewrite(expand_fuzzy(query, self.searcher), self.searcher)
        if self.allowed == set():
            return 0
        return len(self.searcher.search(final, limit=1, filter=self.allowed))
