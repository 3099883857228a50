"""Marking a query's words wherever they occur in a whole text (an article page).

Snippets (``query/snippets.py``) cut the best fragments of a hit; a reader who
opens the article wants every occurrence marked instead. A word of the text is
marked when the body analyzer makes of it a term that the query's words make:
``immunity`` marks ``immunity`` and ``Immunities``, ``U.S.`` marks ``US``.
Stop words are never marked, as they are never searched for.

>>> "".join(f"[{s.text}]" if s.matched else s.text for s in highlight_text("U.S. troops' legal immunity", "immunities of US troops"))
"[U.S.] [troops]' legal [immunity]"
"""  # noqa: E501

from __future__ import annotations

from searcher.analysis.analyzers import news_analyzer
from searcher.config import require
from searcher.models import Segment


def highlight_text(text: str, query: str) -> tuple[Segment, ...]:
    """Return ``text`` cut into :class:`Segment` runs, ``matched`` where a word
    analyses to a term of ``query``'s words (operators and field names are
    words too: a word the query excludes is marked like the others).

    :param text: the text to mark, kept whole: the segments join back to it.
    :param query: the words to mark, as typed in a search box.
    """
    require(text, "text", str, "a str")
    require(query, "query", str, "a str")
    analyzer = news_analyzer()
    terms = {token.text for token in analyzer(query)}
    segments: list[Segment] = []
    done = 0
    if terms:
        for token in analyzer(text, chars=True):
            if token.text not in terms or token.startchar < done:
                continue
            if token.startchar > done:
                segments.append(Segment(text[done : token.startchar], False))
            segments.append(Segment(text[token.startchar : token.endchar], True))
            done = token.endchar
    if done < len(text):
        segments.append(Segment(text[done:], False))
    return tuple(segments)
