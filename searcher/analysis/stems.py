"""Word stems: NLTK's Snowball stemmer, a stem cache shared by every filter of the
process, and the stem tables of opened indexes, asked first.

A query process unpickles a fresh schema for each searcher, so stems are kept
here, not on the filters. A stem table is handed in by whoever opened the index
(:class:`searcher.store.StemTable` reads the manifest's): this module runs no
SQL of its own. A query of words the index met while indexing is stemmed from
the table, and never loads the stemmer.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from pathlib import Path
from typing import Any, Protocol

from searcher.text import deadline


class StemLookup(Protocol):
    """Where stems learnt while indexing are kept: one word's stem, or ``None``."""

    def stem(self, word: str) -> str | None:
        """Return the stem recorded for ``word``, or ``None``."""

    def close(self) -> None:
        """Release what the lookup holds open."""


#: Stems learnt in this process, by word.
LEARNT: dict[str, str] = {}
_STEMMER: list[Any] = []
# The stem tables of indexes opened in this process, latest first, asked per unknown word.
_TABLES: list[StemLookup] = []
#: How many stem tables are asked at the most (the indexes opened last).
MAX_STEM_TABLES = 4

#: Numbers (``39000``, ``5.93``, ``1,5``): the Snowball stemmer changes only
#: letters and apostrophes, and a third of Reuters' distinct words are numbers.
_NUMBER = re.compile(r"[\d.,]+")


def is_number(word: str) -> bool:
    """Whether ``word`` is a number, which the stemmer leaves as it is (and a stem
    table need not hold)."""
    return _NUMBER.fullmatch(word) is not None


def stemmer_loaded() -> bool:
    """Whether this process has loaded the Snowball stemmer (a word no stem table knew)."""
    return bool(_STEMMER)


def load_stemmer() -> None:
    """Import NLTK's Snowball stemmer now (about 20 ms), rather than on the
    first word no stem table knows. A query's time budget never cuts the
    import in half (which would leave nltk broken for the whole process)."""
    if not _STEMMER:
        with deadline.uninterrupted():
            _STEMMER.append(_snowball_class()("english"))


#: The packages whose ``__init__`` is skipped when the Snowball stemmer is
#: imported (:func:`_snowball_class`): ``nltk``'s imports all of NLTK (http,
#: urllib, NumPy, its translation and metrics packages: 28 MB and 0.3 s in every
#: indexing worker and query process that stems); the stemmer's module needs
#: only four small ones of ``nltk.stem`` and two of ``nltk``.
SKIPPED_PACKAGES = ("nltk", "nltk.stem", "nltk.corpus")


def _snowball_class() -> Any:
    """Import NLTK's ``SnowballStemmer`` without importing the rest of NLTK: its
    packages are stand-ins (:data:`SKIPPED_PACKAGES`, each with its folder, so
    their modules import) while ``nltk.stem.snowball`` and what it imports load,
    and every ``nltk`` module is taken out of ``sys.modules`` afterwards, so a
    later ``import nltk`` is an ordinary, whole one. ``nltk.corpus``'s stand-in
    lends no stop word lists: ``SnowballStemmer("english")`` reads none (only
    ``ignore_stopwords=True`` does).  (Another thread importing nltk meanwhile
    would find the stand-ins: nothing of searcher does.)"""
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations or "nltk" in sys.modules:
        from nltk.stem.snowball import SnowballStemmer  # as it is: missing, or loaded

        return SnowballStemmer
    root = Path(next(iter(spec.submodule_search_locations)))
    before = set(sys.modules)
    for name in SKIPPED_PACKAGES:
        package = types.ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")[1:]))]
        sys.modules[name] = package
    sys.modules["nltk.corpus"].stopwords = None  # type: ignore[attr-defined]
    try:
        from nltk.stem.snowball import SnowballStemmer
    finally:
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]
    return SnowballStemmer


def learn_stem(word: str, cachesize: int) -> str:
    """Return the stem of a word not yet in :data:`LEARNT`, and keep it there
    (emptied first once it holds ``cachesize`` words)."""
    if is_number(word):
        return word
    for table in _TABLES:
        known = table.stem(word)
        if known is not None:
            LEARNT[word] = known
            return known
    load_stemmer()
    if len(LEARNT) >= cachesize:
        LEARNT.clear()
    stem: str = _STEMMER[0].stem(word)
    LEARNT[word] = stem
    return stem


def use_stem_table(table: StemLookup) -> None:
    """Ask ``table`` (stems recorded while indexing) before the Snowball stemmer,
    first of all; a table equal to one in use moves to the front. Only the
    :data:`MAX_STEM_TABLES` latest are kept: a process that opens index after
    index (a server, a test run) would otherwise ask every one of them for
    each new word."""
    if table in _TABLES:
        _TABLES.remove(table)
    _TABLES.insert(0, table)
    while len(_TABLES) > MAX_STEM_TABLES:
        _TABLES.pop().close()


def forget_stem_tables() -> None:
    """Stop asking stem tables: the stemmer answers every new word. For indexing
    processes, which meet tens of thousands of words, most of them (on a new
    index, all) missing from the table: a lookup costs a third of a stemming."""
    for table in _TABLES:
        table.close()
    _TABLES.clear()


def forget_learnt_stems() -> None:
    """Empty the stem cache, so each word is looked up or stemmed afresh."""
    LEARNT.clear()
