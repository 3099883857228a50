"""An open index's reading side: the searcher kept between queries, and what a
damaged segment file raises while hits are read, mapped to the file it came from."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.searching import Searcher

from searcher.errors import IndexCorruptError, SearcherError
from searcher.store import checksums
from searcher.store.folder import READ_ERRORS
from searcher.store.generations import read_toc


def _keep_columns(reader: Any) -> None:
    """Make ``reader`` keep the column readers it makes. Whoosh reads a column's
    whole table of offsets each time one is made (a loop over every document:
    some 6 ms a column on Reuters), and a search with facets and a timeline
    makes several; a kept searcher's reader is not changed by later commits,
    so its columns can be made once. Only the kept searcher's reader keeps
    them: one process reads through it one search at a time.

    The reader is held weakly (no cycle keeps it, and the files its columns
    read, alive), and :func:`_drop_columns` lets the columns go before it closes.
    """
    plain, held = type(reader).column_reader, weakref.ref(reader)
    kept: dict[tuple[str, bool, bool], Any] = {}

    def make(fieldname: str, **options: Any) -> Any:
        return plain(held(), fieldname, **options)

    def column_reader(
        fieldname: str, column: Any = None, reverse: bool = False, translate: bool = True
    ) -> Any:
        if column is not None:
            return make(fieldname, column=column, reverse=reverse, translate=translate)
        key = (fieldname, reverse, translate)
        if key not in kept:
            kept[key] = make(fieldname, reverse=reverse, translate=translate)
        return kept[key]

    reader.column_reader = column_reader


def _drop_columns(searcher: Searcher) -> None:
    """Let the columns :func:`_keep_columns` kept go, then close ``searcher``:
    a column still held would keep its segment's file mapped (a disk that
    cannot be unmounted, a file that Windows cannot delete)."""
    vars(searcher.reader()).pop("column_reader", None)
    searcher.close()


class Reading:
    """The searcher of ``ix`` kept open between searches (opening one reads every
    segment: about 20 ms on Reuters), reopened when a commit changes the index.

    :param opener: makes a searcher of ``ix`` (the query layer's, with its weighting).
    """

    def __init__(self, path: Path, ix: FileIndex, opener: Callable[[FileIndex], Searcher]) -> None:
        self.path = path
        self._ix = ix
        self._opener = opener
        self._searcher: Searcher | None = None

    def current(self) -> Searcher:
        """The kept searcher, reopened when another commit changed the index."""
        kept = self._searcher
        if kept is not None and kept.reader().generation() != self._ix.latest_generation():
            # Not Searcher.refresh(): it reuses segment readers by segment id, and
            # a commit that deletes from an old segment keeps its id, so the
            # reused reader would still count the deleted articles.
            _drop_columns(kept)
            kept = None
        if kept is None:
            kept = self._searcher = self._opener(self._ix)
            _keep_columns(kept.reader())
        return kept

    def close(self) -> None:
        """Close the kept searcher (the next :meth:`current` opens another)."""
        if self._searcher is not None:
            _drop_columns(self._searcher)
            self._searcher = None

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Turn what a damaged segment file raises while hits are read and scored
        into an :class:`IndexCorruptError` naming the file."""
        try:
            yield
        except SearcherError:
            raise
        # Damaged files raise nearly anything (zlib.error, struct.error,
        # UnpicklingError, UnicodeError, IndexError, Whoosh's FileFormatError...),
        # so any error is checked against the files' checksums, and raised as it
        # is when they are sound: a bug is not reported as damage.
        except Exception as exc:
            try:
                toc = read_toc(self.path)
            except READ_ERRORS as toc_exc:
                raise IndexCorruptError(self.path, f"{type(toc_exc).__name__}: {toc_exc}") from exc
            failure = checksums.read_failure(self.path, toc.segments, exc, READ_ERRORS)
            if failure is None:
                raise
            raise failure from exc
