"""Article ids as people type them: the whole id, or a unique prefix of it.

An id is the article's path below the folder given to ``searcher index``
(``corpus/wire/1987-02-wire.sgm#5``); ``show`` and ``similar`` also take the
beginning of one, as git takes a short hash, and say so when it names several.
"""

from __future__ import annotations

from whoosh.searching import Searcher

from searcher.errors import AmbiguousIdError, ArticleNotFoundError

#: How many candidates an ambiguous prefix names.
SHOWN_CANDIDATES = 5


def resolve_id(searcher: Searcher, text: str) -> int:
    """Return the document number of the live article whose id is ``text``,
    else of the one whose id begins with ``text``.

    :raises ArticleNotFoundError: no article's id is or begins with ``text``.
    :raises AmbiguousIdError: several articles' ids begin with ``text``.
    """
    docnum = searcher.document_number(id=text)
    if docnum is not None:
        return int(docnum)
    if not text:
        raise ArticleNotFoundError(text)
    found: list[tuple[str, int]] = []
    for term in searcher.reader().expand_prefix("id", text):
        candidate = term.decode("utf-8") if isinstance(term, bytes) else str(term)
        number = searcher.document_number(id=candidate)  # None when deleted
        if number is not None:
            found.append((candidate, int(number)))
            if len(found) > SHOWN_CANDIDATES:
                break
    if not found:
        raise ArticleNotFoundError(text)
    if len(found) > 1:
        names = [name for name, _ in found[:SHOWN_CANDIDATES]]
        raise AmbiguousIdError(text, names, more=len(found) > SHOWN_CANDIDATES)
    return found[0][1]
