"""The fields of a searcher index."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from searcher.analysis import name_analyzer, news_analyzer

#: Bumped whenever the schema or the analyzers change what is stored or indexed;
#: an index of another version must be rebuilt.
SCHEMA_VERSION = "1"

#: Weight of a headline match relative to a body match.
TITLE_BOOST = 2.0


def build_schema() -> Schema:
    """Return the schema: ``id`` (unique), ``path``, ``title`` (boosted), ``byline``,
    ``source``, ``date`` (sortable), ``body`` (stored, for snippets), ``url``, ``keywords``."""
    text = news_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=text, stored=True, field_boost=TITLE_BOOST),
        byline=TEXT(analyzer=names, stored=True),
        source=TEXT(analyzer=names, stored=True),
        date=DATETIME(stored=True, sortable=True),
        body=TEXT(analyzer=text, stored=True),
        url=STORED(),
        keywords=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
    )
