"""Plain data that crosses the library's boundary: articles in, hits and reports out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from a corpus file.

    :param id: stable identifier: the file's path below the corpus folder, plus
        ``#key`` for one record of a file that holds many.
    :param path: the file the article was read from.
    :param title: the headline; empty when the file has none.
    :param body: the article text, paragraphs separated by blank lines.
    :param byline: the author line as printed, e.g. ``Dan De Luce, AFP``.
    :param source: the outlet, e.g. ``AFP``; empty when unknown.
    :param date: publication date; ``None`` when unknown (never guessed).
    :param url: canonical URL, when the file states one.
    :param keywords: section, topic and place labels from the source.
    :param crawled: when a web archive captured the page (its ``WARC-Date``);
        never a publication date.
    :param labels: the same labels with their kind, as ``(kind, value)`` pairs:
        ``("section", "politics")``, ``("topics", "cocoa")``, ``("places", "usa")``;
        what facets count (``Index.search(..., facets=["topics"])``).
    """

    id: str
    path: str
    title: str
    body: str
    byline: str = ""
    source: str = ""
    date: datetime | None = None
    url: str = ""
    keywords: tuple[str, ...] = ()
    crawled: datetime | None = None
    labels: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Article:
        """The article of an index document, from its stored fields (every other
        field of the document is made from these)."""
        return cls(
            id=stored["id"],
            path=stored["path"],
            title=stored.get("title", ""),
            body=stored.get("body", ""),
            byline=stored.get("byline", ""),
            source=stored.get("source", ""),
            date=stored.get("date"),
            url=stored.get("url", ""),
            keywords=tuple(k for k in stored.get("keywords", "").split(",") if k),
            crawled=stored.get("crawled"),
            labels=tuple((str(kind), str(value)) for kind, value in stored.get("labels", ())),
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of snippet text; ``matched`` is true where it matched the query."""

    text: str
    matched: bool


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked result. ``snippets`` holds up to three fragments of the body,
    each a tuple of :class:`Segment`.

    ``score`` is 0.0 when the hits are sorted by date.
    ``similar_count`` and ``similar_ids`` name the other matching articles that
    are near-duplicates of this one (the same wire copy), collapsed into it.
    ``crawled`` is when a web archive captured the page (never a publication date).
    ``duplicate_ids`` name its exact duplicates, left out of the index when it
    was built (same title, body and date); each is still reachable by its id.
    """

    rank: int
    score: float
    id: str
    path: str
    title: str
    byline: str
    source: str
    date: datetime | None
    url: str = ""
    snippets: tuple[tuple[Segment, ...], ...] = ()
    similar_count: int = 0
    similar_ids: tuple[str, ...] = ()
    crawled: datetime | None = None
    duplicate_ids: tuple[str, ...] = ()


#: One facet's counts: ``(value, count)`` pairs (``""``: articles without a value).
FacetCounts = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts of all matching articles (not just one page), by facet.

    ``counts`` holds ``(facet name, counts)`` pairs in the order asked; each
    facet's counts are ``(value, count)`` pairs, most articles first (months
    and years in date order), ``""`` standing for articles without a value
    (an unknown source, an undated article). ``facets["byline"]`` reads one.
    """

    counts: tuple[tuple[str, FacetCounts], ...] = ()

    #: Facets whose values are dates: listed in date order, whole, and ``""``
    #: (undated) last; the others list most articles first.
    DATED: ClassVar[frozenset[str]] = frozenset({"month", "year"})

    def __getitem__(self, name: str) -> FacetCounts:
        for facet, counts in self.counts:
            if facet == name:
                return counts
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The facets counted, in the order asked."""
        return tuple(name for name, _ in self.counts)

    @property
    def sources(self) -> FacetCounts:
        """The ``source`` facet (empty when not asked)."""
        return dict(self.counts).get("source", ())

    @property
    def months(self) -> FacetCounts:
        """The ``month`` facet (empty when not asked)."""
        return dict(self.counts).get("month", ())


@dataclass(frozen=True, slots=True)
class HistogramBucket:
    """Matching articles dated from ``start`` up to (not including) ``end``;
    ``label`` is the bucket as people write it: ``2011-10-17``, ``2011-W42``,
    ``2011-10``, ``2011``."""

    start: date
    end: date
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Histogram:
    """How many matching articles fall in each ``interval`` (``day``, ``week``,
    ``month``, ``year``) from the first dated match to the last, empty buckets
    included; ``undated`` counts the matches without a date."""

    interval: str
    buckets: tuple[HistogramBucket, ...] = ()
    undated: int = 0


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The hits of one query, best first, with the total number of matches.

    ``page`` is the page of hits shown; ``facets`` and ``histogram`` are set
    when asked for; ``suggestion`` is a better-spelled query that finds clearly more;
    ``notes`` say what of the query was not searched for (stop words, symbols).
    ``total_exact`` is false when ``total`` is an estimate from the lengths of
    the words' posting lists (counting would read them all; ask for an exact
    total to count them), as Elasticsearch's ``track_total_hits`` says it.
    """

    query: str
    parsed: str
    total: int
    hits: tuple[SearchHit, ...]
    page: int = 1
    facets: Facets | None = None
    histogram: Histogram | None = None
    suggestion: str | None = None
    notes: tuple[str, ...] = ()
    total_exact: bool = True

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


@dataclass(frozen=True, slots=True)
class RunLine:
    """One ranked document of one query, as a TREC run line holds it
    (``query_id Q0 doc_id rank score tag``; ``str()`` gives the line)."""

    query_id: str
    doc_id: str
    rank: int
    score: float
    tag: str = "searcher"

    def __str__(self) -> str:
        return f"{self.query_id} Q0 {self.doc_id} {self.rank} {self.score:.6f} {self.tag}"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How well a ranking did against judgments (:meth:`searcher.Index.evaluate`).

    ``measures`` are the means over the scored queries, in order: ``MAP``,
    ``nDCG@10``, ``P@10``, ``R@100``, ``MRR`` (trec_eval's definitions, relevance
    above 0 counts as relevant, nDCG gains are the relevance values).
    ``per_query`` gives each scored query's values in the same order; ``run``
    is the ranking that was scored, as TREC run lines; ``notes`` say which
    queries were left out and why.
    """

    queries: int
    measures: tuple[tuple[str, float], ...]
    per_query: tuple[tuple[str, tuple[float, ...]], ...]
    run: tuple[RunLine, ...]
    notes: tuple[str, ...] = ()

    def measure(self, name: str) -> float:
        """The mean of one measure, by name (``"MAP"``...)."""
        return dict(self.measures)[name]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A corpus file that was not indexed, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one indexing run did.

    ``added``/``updated``/``removed`` count articles; ``unchanged`` counts files
    left alone because they had not changed; ``skipped`` lists files that could
    not be read; ``ignored`` lists files that are not articles (documentation).
    """

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    articles: int = 0
    seconds: float = 0.0
    skipped: tuple[Skipped, ...] = field(default=())
    ignored: tuple[Skipped, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """How far an indexing run has got, passed to its ``on_progress`` callback.

    ``bytes_done``/``bytes_total`` measure the corpus files read, the best guide
    to the time left; ``articles`` counts the articles read so far (each is
    committed with the rest of its batch).
    """

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    articles: int
    seconds: float


@dataclass(frozen=True, slots=True)
class UpdateReport(IndexReport):
    """An :class:`IndexReport` that also lists the articles left out as duplicates:
    ``path (id)`` and ``duplicate of <id>``, or ``id already indexed from <path>``;
    and ``passed_over``, the records of the files read that are no article (a
    web archive's requests, redirects, images...): ``(reason, count)`` pairs,
    most first."""

    duplicates: tuple[Skipped, ...] = field(default=())
    passed_over: tuple[tuple[str, int], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds.

    :param articles: live articles.
    :param files: corpus files recorded in the manifest.
    :param segments: Whoosh segments (each query visits every one).
    :param deleted: documents marked deleted, awaiting a merge.
    :param first_date: earliest article date, ``None`` when no article has one.
    :param last_date: latest article date.
    :param sources: the most frequent sources with their article counts.
    :param sections: the most frequent sections, with their article counts.
    :param keywords: the most frequent keywords (sections, topics, places...),
        with their article counts.
    :param size_bytes: bytes on disk of the index folder.
    :param shards: of a sharded index, each shard's name and live articles
        (empty for a plain index).
    """

    articles: int
    files: int
    segments: int
    deleted: int
    first_date: datetime | None
    last_date: datetime | None
    sources: tuple[tuple[str, int], ...]
    size_bytes: int
    sections: tuple[tuple[str, int], ...] = ()
    keywords: tuple[tuple[str, int], ...] = ()
    shards: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """How corpus, manifest and index agree; ``problems`` empty means they do.

    ``advice`` is the one command that fixes what was found (empty when nothing);
    ``notes`` say what could not be checked, though nothing is wrong.
    """

    articles: int
    manifest_articles: int
    files: int
    problems: tuple[str, ...]
    advice: str
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems
