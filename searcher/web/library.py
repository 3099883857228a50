"""The index a worker process serves: opened on the first request, then kept.

Keeping one :class:`searcher.Index` open keeps its searcher and posting lists
between requests; the library reopens what a commit changed on the next
search, so a server sees what ``searcher index`` adds without a restart.
Requests are answered one at a time in a process (the handlers call the
library from the event loop): Whoosh scoring holds the GIL, so threads would
only queue, and an ``Index`` is not shared between threads. Throughput comes
from worker processes (``searcher serve --workers``).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request

import searcher


class Library:
    """The open index of one worker process, at ``index_dir``; it never writes to it."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._index: searcher.Index | searcher.ShardedIndex | None = None

    def index(self) -> searcher.Index | searcher.ShardedIndex:
        """The open index, plain or sharded (opened now if it is not yet; a
        sharded one is searched on a pool of local processes).

        :raises searcher.IndexNotFoundError: there is no index (yet): the next
            request tries again.
        """
        if self._index is None:
            self._index = searcher.open_index(self.index_dir)
        return self._index

    def close(self) -> None:
        """Release the index's files."""
        if self._index is not None:
            self._index.close()
            self._index = None


def library(request: Request) -> Library:
    """The :class:`Library` of the worker answering ``request``."""
    held: Library = request.app.state.library
    return held
