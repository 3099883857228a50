"""The analyzers of an index's text fields, composed of our tokenizer and filters
(NLTK inside, Whoosh's analyzer contract outside), and the stop list.

They are pickled into every index (their classes as ``searcher.analysis.<name>``),
so changing what they produce means bumping
:data:`searcher.schema.SCHEMA_VERSION`.

>>> analyze_text("U.S. troops in Iraq's capital")
['us', 'troop', 'iraq', 'capit']
>>> analyze_text("US troops") == analyze_text("U.S. troops")
True
>>> analyze_text("São Paulo") == analyze_text("Sao Paulo")
True
"""

from __future__ import annotations

from whoosh.analysis import CompositeAnalyzer, StopFilter

from searcher.analysis.filters import NewsNormalizeFilter, SnowballStemFilter
from searcher.analysis.tokenizer import NltkTokenizer
from searcher.config import require, require_flag

#: Function words dropped from the index. Deliberately short: news words such as
#: "us" (U.S.), "may" (the month), "will", "new", "no" and "not" are kept.
STOP_WORDS = frozenset(
    """a an and are as at be been but by for from had has have he her hers him his i if in
    into is it its me my of on or our ours she so than that the their theirs them then there
    these they this those to was we were which who whom with you your yours""".split()
)


def news_analyzer() -> CompositeAnalyzer:
    """The analyzer for headlines and body text: tokenize, normalise, drop stop words, stem."""
    return (
        NltkTokenizer()
        | NewsNormalizeFilter()
        | StopFilter(STOP_WORDS, minsize=1)
        | SnowballStemFilter()
    )


def name_analyzer() -> CompositeAnalyzer:
    """The analyzer for bylines and sources: tokenize and normalise, no stemming."""
    return NltkTokenizer() | NewsNormalizeFilter()


def analyze_text(text: str, *, stem: bool = True) -> list[str]:
    """Return the index terms of ``text``, for debugging and tests.

    :param stem: use the body analyzer (``True``) or the name analyzer (``False``).
    """
    require(text, "text", str, "a str")
    analyzer = news_analyzer() if require_flag(stem, "stem") else name_analyzer()
    return [token.text for token in analyzer(text)]
