"""The fields of a searcher index."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from searcher.analysis import name_analyzer, news_analyzer

#: Bumped whenever the schema or the analyzers change what is stored or indexed;
#: an index of another version must be rebuilt.
SCHEMA_VERSION = "2"

#: Weight of a headline match relative to a body match.
TITLE_BOOST = 2.0
#: How many words of an article's start the ``lead`` field holds: the headline and
#: the lede, where a news story says what it is about (30-60 measured alike on TIME;
#: 100 was worse).
LEAD_WORDS = 40
#: Store body term vectors, so pseudo-relevance feedback reads an article's terms
#: instead of re-analysing its text (about 45 ms less per TIME query, index +40%).
BODY_VECTORS = True


def lead_text(title: str, body: str, *, words: int | None = None) -> str:
    """Return the first ``words`` words of the headline and body, for the ``lead`` field.

    The headline is included so the field does not depend on whether a plain-text
    reader took the first line for a headline or for body text.

    >>> lead_text("Talks stall", "Iraq and the US failed to agree.", words=5)
    'Talks stall Iraq and the'
    """
    return " ".join(f"{title} {body}".split()[: words or LEAD_WORDS])


def build_schema() -> Schema:
    """Return the schema: ``id`` (unique), ``path``, ``title`` (boosted), ``byline``,
    ``source``, ``date`` (sortable), ``body`` (stored, for snippets, with term
    vectors), ``lead`` (the start of the article, see :func:`lead_text`), ``url``,
    ``keywords``."""
    text = news_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=text, stored=True, field_boost=TITLE_BOOST),
        byline=TEXT(analyzer=names, stored=True),
        source=TEXT(analyzer=names, stored=True),
        date=DATETIME(stored=True, sortable=True),
        body=TEXT(analyzer=text, stored=True, vector=BODY_VECTORS),
        lead=TEXT(analyzer=text),
        url=STORED(),
        keywords=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
    )
