"""The fields of a searcher index: the schema, its version, and an article's field values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from whoosh.analysis import CompositeAnalyzer, StopFilter
from whoosh.columns import FixedBytesColumn, VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from searcher.analysis import STOP_WORDS, name_analyzer, neardup, news_analyzer
from searcher.analysis.neardup import SIGNATURE_BYTES
from searcher.models import Article
from searcher.text.dates import naive_utc

#: Bumped whenever the schema or the analyzers change what is stored or indexed;
#: an index of another version must be rebuilt.
SCHEMA_VERSION = "8"

#: Weight of a headline match relative to a body match.
TITLE_BOOST = 2.0
#: How many words of an article's start the ``lead`` field holds: the headline and
#: the lede, where a news story says what it is about (30-60 measured alike on TIME;
#: 100 was worse).
LEAD_WORDS = 40
#: Body term vectors would let pseudo-relevance feedback read an article's terms
#: instead of re-analysing its text (about 45 ms less per TIME query, index +40%),
#: but our segment writer (segments.py) does not write vectors yet, so feedback
#: re-analyses the few feedback documents.
BODY_VECTORS = False
#: Fields that repeat the words of others and keep no positions, with the
#: fields they repeat (which do): a phrase searched in one is looked for in
#: those (:class:`searcher.query.syntax.PhraseOrWords`).
REPEATED_FIELDS = {"lead": ("title", "body")}


def lead_text(title: str, body: str, *, words: int | None = None) -> str:
    """Return the first ``words`` words of the headline and body, for the ``lead`` field.

    The headline is included so the field does not depend on whether a plain-text
    reader took the first line for a headline or for body text. An article's
    ``lead`` is made from the indexed body (:func:`indexed_body`), which begins
    with the headline: the headline is in it twice, and counts there as the
    ranking's headline weight once did (``benchmarks/ranking.py``: headline
    twice gained MAP over once on CISI, CRAN, MED and TIME, with headline weight 0).

    >>> lead_text("Talks stall", "Iraq and the US failed to agree.", words=5)
    'Talks stall Iraq and the'
    """
    count = words or LEAD_WORDS
    return " ".join(f"{title} {body}".split(None, count)[:count])


def _lead_field(analyzer: CompositeAnalyzer) -> TEXT:
    """The ``lead`` field: counts without positions (``phrase=False``).

    It repeats the headline and the body's first words (:data:`REPEATED_FIELDS`),
    so a phrase within it is a phrase of the title or the body, which keep
    positions; ranking reads only its counts and length.
    """
    return TEXT(analyzer=analyzer, phrase=False)


def indexed_body(title: str, body: str) -> str:
    """Return the text the ``body`` field indexes: the headline, a newline, then
    the body (the headline counted as body text). The stored body is the body
    alone, so snippets, ``show`` and exports are unchanged; the ``words`` field
    indexes the same text.

    >>> indexed_body("Talks stall", "Iraq said no.")
    'Talks stall\\nIraq said no.'
    """
    return f"{title}\n{body}"


def build_schema() -> Schema:
    """Return the schema: ``id`` (unique), ``path``, ``title`` (boosted), ``byline``,
    ``source``, ``date`` (sortable), ``crawled`` (stored: when a web archive
    captured the page), ``body`` (stored, for snippets, with term
    vectors), ``lead`` (the start of the article, see :func:`lead_text`), ``url``,
    ``keywords``, ``labels`` (stored: the keywords with their kind).

    Search features add: ``words`` (a :class:`LEXICON` of the title and body
    words, unstemmed: the word list for "did you mean" and ``word~`` fuzzy
    terms), ``source_key`` (the exact source, for facets), ``month``
    (``2011-10``, for facets and sorting), ``day`` (``20111017``: whole-day date
    ranges as a few terms, where a range of ``date`` expands to thousands),
    ``signature`` (a column: the body's near-duplicate signature) and
    ``facet_keys`` (a column: byline, keywords and labels, see :func:`facet_keys`).
    """
    text = news_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=text, stored=True, field_boost=TITLE_BOOST),
        byline=TEXT(analyzer=names, stored=True),
        source=TEXT(analyzer=names, stored=True),
        date=_date_field(),
        body=TEXT(analyzer=text, stored=True, vector=BODY_VECTORS),
        lead=_lead_field(text),
        url=STORED(),
        crawled=STORED(),
        keywords=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        labels=STORED(),
        words=LEXICON(spelling_analyzer()),
        source_key=ID(sortable=True),
        month=ID(sortable=True),
        day=ID(),
        # Fixed width: a variable-width column loads all its offsets per search.
        signature=COLUMN(FixedBytesColumn(SIGNATURE_BYTES)),
        facet_keys=COLUMN(VarBytesColumn()),
    )


class LEXICON(TEXT):  # type: ignore[misc]  # whoosh is untyped
    """A word list rather than an inverted field: in each segment, every word
    the analyzer finds has one posting, on the first article that has it, whose
    weight is how many articles have it (``reader.frequency(field, word)``).

    "Did you mean" and ``word~`` need the index's words and how common each
    is, never which articles hold them; one posting per article and word was
    the largest field of the index (Reuters: 1.4 million postings, a fifth of
    the time to index it). Queries cannot name it
    (:func:`searcher.query.parse.searchable_fields`). Written by
    :class:`searcher.store.segment_writer.SegmentBuilder`; Whoosh's own writer would post
    every article.
    """

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        super().__init__(analyzer=analyzer, phrase=False)
        self.scorable = False


#: Bits of precision dropped between a date's indexed terms: 16 gives four terms
#: a date (Whoosh's 8 gives eight, a tenth of a Reuters run's terms). Only
#: ranges with times of day read them (whole days read ``day``), and a range
#: of them still reads only the terms of existing dates.
DATE_SHIFT_STEP = 16


def _date_field() -> DATETIME:
    """The ``date`` field: stored, sortable, indexed every :data:`DATE_SHIFT_STEP` bits."""
    field = DATETIME(stored=True, sortable=True)
    field.shift_step = DATE_SHIFT_STEP
    return field


def spelling_analyzer() -> CompositeAnalyzer:
    """The analyzer of the ``words`` field: whole words, folded, never stemmed,
    so suggestions are words a reader would type. It is the headline and body
    analyzer without its stemmer, so indexing takes the words from its cache."""
    return name_analyzer() | StopFilter(STOP_WORDS, minsize=1)


#: Separates a facet key's kind from its value, and one key from the next.
_KIND_END, _KEY_END = "\x1f", "\x1e"


def facet_keys(article: Article) -> bytes:
    """Return what the ``facet_keys`` column holds for ``article``: its byline,
    each keyword (kind ``keywords``) and each label, as ``kind``/``value`` pairs."""
    pairs = [("byline", article.byline.strip())] if article.byline.strip() else []
    pairs += [("keywords", k) for k in article.keywords]
    pairs += article.labels
    return _KEY_END.join(f"{kind}{_KIND_END}{value}" for kind, value in pairs).encode("utf-8")


def read_facet_keys(raw: bytes) -> list[tuple[str, str]]:
    """The ``(kind, value)`` pairs of one ``facet_keys`` column value."""
    if not raw:
        return []
    return [
        (kind, value)
        for kind, _, value in (
            key.partition(_KIND_END) for key in raw.decode("utf-8").split(_KEY_END)
        )
    ]


def count_facet_keys(reader: Any, docnums: Iterable[int], counts: dict[str, Counter[str]]) -> None:
    """Add to ``counts`` (one counter a kind) how many of the documents
    ``docnums`` of a Whoosh reader hold each value of those kinds, each
    document counting once a value. A reader without the ``facet_keys``
    column (an index of no articles with any) adds nothing."""
    if not reader.has_column("facet_keys"):
        return
    column = reader.column_reader("facet_keys")
    # Many articles hold the same keys (one byline, the same topics and
    # places): each different column value is read into keys once.
    for raw, articles in Counter(column[docnum] for docnum in docnums).items():
        for kind, value in set(read_facet_keys(raw)):
            if kind in counts:
                counts[kind][value] += articles


def article_fields(article: Article, *, signature: bool = True) -> dict[str, Any]:
    """Return the field values of one article (the way back is
    :meth:`searcher.models.Article.from_stored`).

    :param signature: include the near-duplicate signature (the indexer leaves it
        to :class:`~searcher.indexing.document_maker.DocumentMaker`, which makes
        it from the body's tokens).
    """
    indexed = indexed_body(article.title, article.body)
    fields: dict[str, Any] = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "byline": article.byline,
        "source": article.source,
        # Indexed: the headline then the body; stored: the body (Whoosh's
        # ``_stored_`` convention, which DocumentMaker follows).
        "body": indexed,
        "_stored_body": article.body,
        "lead": lead_text(article.title, indexed),
        "url": article.url,
        "keywords": ",".join(article.keywords),
        "facet_keys": facet_keys(article),
        # Search features: the unstemmed word list, facet keys, near-duplicate keys.
        "words": indexed,  # see document_maker.JOINED_FIELDS
        "source_key": article.source.strip(),
    }
    if article.labels:
        fields["labels"] = [list(label) for label in article.labels]
    if signature:
        fields.update(neardup.signature_fields(article.body))
    # Dates are kept in UTC without a time zone, as the readers give them (an
    # aware datetime from the library's caller would not unpickle: safepickle).
    if article.crawled is not None:
        fields["crawled"] = naive_utc(article.crawled)
    if article.date is not None:
        date = fields["date"] = naive_utc(article.date)
        # Four-digit years, as the query side writes them (strftime's %Y does not
        # pad the year 999 on every platform).
        fields["month"] = f"{date.year:04d}-{date.month:02d}"
        fields["day"] = f"{date.year:04d}{date.month:02d}{date.day:02d}"
    return fields
