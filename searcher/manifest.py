"""The record of which corpus files are in the index, so re-runs skip unchanged files.

A small SQLite table in the index folder: path, size, mtime, content hash and
article count per file. It is written only after the index commit that holds
the file's articles, so after a crash it can lag the index but never lead it;
a lagging entry just means the file is read again, and its articles replaced.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.sqlite3"


@dataclass(frozen=True, slots=True)
class FileEntry:
    """What the index knows of one corpus file."""

    path: str
    size: int
    mtime_ns: int
    sha1: str
    articles: int


def file_hash(path: Path) -> str:
    """Return the SHA-1 of the file's bytes (what decides "changed")."""
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Manifest:
    """The manifest of one index folder."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / MANIFEST_NAME

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path)) as con:
            con.execute(
                "create table if not exists files (path text primary key, size integer,"
                " mtime_ns integer, sha1 text, articles integer)"
            )
            with con:
                yield con

    def entries(self) -> dict[str, FileEntry]:
        """Return every entry, keyed by path."""
        with self._connect() as con:
            rows = con.execute("select path, size, mtime_ns, sha1, articles from files")
            return {row[0]: FileEntry(*row) for row in rows}

    def put(self, entries: Iterable[FileEntry]) -> None:
        """Insert or replace entries, in one transaction."""
        with self._connect() as con:
            con.executemany(
                "insert or replace into files values (?, ?, ?, ?, ?)",
                [(e.path, e.size, e.mtime_ns, e.sha1, e.articles) for e in entries],
            )

    def remove(self, paths: Iterable[str]) -> None:
        """Delete the entries of ``paths``, in one transaction."""
        with self._connect() as con:
            con.executemany("delete from files where path = ?", [(p,) for p in paths])

    def clear(self) -> None:
        """Forget every file."""
        self.path.unlink(missing_ok=True)
