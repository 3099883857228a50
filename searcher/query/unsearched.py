"""The words of a search box that are not searched for, and why.

A note names each word (or part of one) the parser keeps but the index cannot
match: stop words are not indexed, nor are symbols; a word joined by ``&`` is
searched as a phrase of its parts, which is said too. ASCII punctuation is
never named. The words come from :func:`searcher.query.prose.read_box`.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from typing import Any

from searcher.query.prose import AMPERSAND_WORD
from searcher.text.safety import safe_text


def dropped_words(words: Iterable[str], analyzer: Callable[..., Iterable[Any]]) -> tuple[str, ...]:
    """Return one note naming each word of ``words`` (or part of one) that is
    not searched for, with why: stop words are not indexed, nor are symbols.

    :param analyzer: the analyzer of the body field, whose stop filter marks
        stop words when ``removestops=False``.
    """
    analyzer = _unstemmed(analyzer)
    stops: list[str] = []
    symbols: list[str] = []
    phrases: list[str] = []
    for word in words:
        for part in word.split():
            tokens = [(t.text, t.stopped) for t in analyzer(part, removestops=False, mode="query")]
            kept = [text for text, stopped in tokens if not stopped]
            stopped = [text for text, stopped in tokens if stopped]
            if not tokens and all(c in string.punctuation for c in part):
                continue  # punctuation (".", "-", "*,"): not a word
            if not tokens:
                name = repr(safe_text(part))
                if name not in symbols:
                    symbols.append(name)
            elif not kept:
                name = safe_text(part)
                if name.lower() not in {s.lower() for s in stops}:
                    stops.append(name)
            elif stopped:
                stops += [f"{s} (in {safe_text(part)})" for s in stopped]
            if AMPERSAND_WORD.match(part) and kept:
                phrases.append(f'{safe_text(part)} is searched as "{" ".join(kept)}"')
    parts = []
    if stops:
        kind = "stop words" if len(stops) > 1 else "a stop word"
        parts.append(f"{_listed(stops)} ({kind}, not indexed)")
    if symbols:
        kind = "symbols" if len(symbols) > 1 else "a symbol"
        parts.append(f"{_listed(symbols)} ({kind}, not indexed)")
    notes = [f"Not searched for: {'; '.join(parts)}."] if parts else []
    return tuple(notes + [f"{p}." for p in phrases])


def _unstemmed(analyzer: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
    """The analyzer up to its stop filter: stemming a word (which may load the
    stemmer) is not needed to tell whether it is searched for."""
    items = list(getattr(analyzer, "items", ()))
    ends = [i for i, item in enumerate(items) if hasattr(item, "stops")]
    if not ends:
        return analyzer
    first, *rest = items[: ends[0] + 1]

    def run(value: str, **kwargs: Any) -> Iterable[Any]:
        tokens: Iterable[Any] = first(value, **kwargs)
        for item in rest:
            tokens = item(tokens)
        return tokens

    return run


def _listed(names: list[str], most: int = 10) -> str:
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")
