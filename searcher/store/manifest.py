"""The record of what is in the index, so re-runs skip unchanged files and ids stay unique.

A small SQLite database in the index folder with two tables:

* ``files``: path, size, mtime, content hash and article count per corpus file;
* ``articles``: every indexed article's id, file and duplicate key, so an id is
  indexed once and a story seen before is reported as a duplicate;
* ``left_out``: which file's articles were left out because of which file, so
  they are read again when that file changes or goes;
* ``duplicates``: the id and file of each article left out as an exact
  duplicate, with the id of the indexed copy, so it stays reachable by its own id;
* ``captures``: the URL and crawl date of each indexed capture of a web page
  (web archives), so a URL captured in several archives is indexed once, as
  its latest capture;
* ``stems``: each word met while indexing with its stem, so a query process
  need not import nltk's stemmer (~250 ms) for words the index knows.

Both are written in one transaction, only after the index commit that holds the
files' articles, so after a crash the manifest can lag the index but never lead
it. A lagging file is read again and its articles replaced (documents are
deleted by path before a file's articles are added), so nothing is doubled.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from searcher.errors import ManifestError

MANIFEST_NAME = "manifest.sqlite3"
#: Files SQLite keeps beside a database while writing it.
_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
_REBUILD = "rebuild the index with `searcher index --rebuild CORPUS`"
#: SQLite's (primary) result codes for a file that is not, or no longer, a database.
_DAMAGED = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
#: Those for a database that cannot be opened or written now (a full disk, a
#: read-only folder, a busy file): no damage, so no rebuild.
_UNUSABLE = frozenset(
    {
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    }
)
#: The size recorded for a file to be read again: no file has it, so the next
#: run hashes the file, finds the (empty) recorded hash differs, and reads it.
STALE = -1

_SCHEMA = (
    "create table if not exists files (path text primary key, size integer,"
    " mtime_ns integer, sha1 text, articles integer)",
    "create table if not exists articles (id text primary key, path text not null,"
    " key integer not null, source text not null default '', date text)",
    "create index if not exists articles_path on articles (path)",
    "create index if not exists articles_key on articles (key) where key != 0",
    "create table if not exists left_out (path text not null, because_of text not null)",
    "create index if not exists left_out_because on left_out (because_of)",
    "create table if not exists meta (name text primary key, value)",
    "create table if not exists duplicates (id text primary key, path text not null,"
    " of_id text not null)",
    "create index if not exists duplicates_of on duplicates (of_id)",
    # Without rowid: one b-tree to insert each of a run's tens of thousands of words into.
    "create table if not exists captures (url text primary key, id text not null,"
    " path text not null, crawled text not null)",
    "create index if not exists captures_path on captures (path)",
    "create table if not exists stems (word text primary key, stem text not null) without rowid",
)


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
        """Connect (making the tables if need be), and commit when the block ends.

        :raises ManifestError: the manifest is damaged or cannot be used.
        """
        try:
            with closing(sqlite3.connect(self.path)) as con:
                con.execute("pragma synchronous = normal")
                for statement in _SCHEMA:
                    con.execute(statement)
                with con:
                    yield con
        except sqlite3.DatabaseError as exc:
            error = self._error(exc)
            if error is None:  # our own SQL's mistake, not the file's
                raise
            raise error from exc

    def _error(self, exc: sqlite3.DatabaseError) -> ManifestError | None:
        """Return what ``exc`` says of the manifest file, ``None`` if nothing."""
        if self.path.is_dir():
            return _folder_error(self.path)
        code = getattr(exc, "sqlite_errorcode", None)
        primary = None if code is None else code & 0xFF  # extended codes add high bits
        if primary in _DAMAGED:
            return ManifestError(self.path, f"is damaged ({exc})", _REBUILD)
        if primary in _UNUSABLE:
            return ManifestError(
                self.path, f"cannot be used ({exc})", "fix that and run the command again"
            )
        return None

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Open one transaction; it commits when the block ends without an error."""
        with self._connect() as con:
            yield Transaction(con)

    def entries(self) -> dict[str, FileEntry]:
        """Return every file entry, keyed by path."""
        with self._connect() as con:
            rows = con.execute("select path, size, mtime_ns, sha1, articles from files")
            return {row[0]: FileEntry(*row) for row in rows}

    def generation(self) -> int | None:
        """Return the index generation the manifest was last committed with."""
        with self._connect() as con:
            row = con.execute("select value from meta where name = 'generation'").fetchone()
            return None if row is None else int(row[0])

    def summary(
        self, top: int | None = 5
    ) -> tuple[int, str | None, str | None, list[tuple[str, int]]]:
        """Return (files, first date, last date, the ``top`` sources with their
        counts; ``None``: every source)."""
        with self._connect() as con:
            files = int(con.execute("select count(*) from files").fetchone()[0])
            first, last = con.execute("select min(date), max(date) from articles").fetchone()
            sources = con.execute(
                "select source, count(*) from articles where source != ''"
                " group by source order by 2 desc, 1 limit ?",
                (-1 if top is None else top,),
            ).fetchall()
            return files, first, last, [(str(s), int(n)) for s, n in sources]

    def duplicates(self) -> dict[str, tuple[str, str]]:
        """Return each article left out as an exact duplicate: its id -> (its file,
        the id of the indexed copy)."""
        with self._connect() as con:
            rows = con.execute("select id, path, of_id from duplicates order by rowid")
            return {str(i): (str(path), str(of)) for i, path, of in rows}

    def put(self, entries: Iterable[FileEntry]) -> None:
        """Insert or replace file entries, in one transaction."""
        with self.transaction() as txn:
            txn.put_files(entries)

    def remove(self, paths: Iterable[str]) -> None:
        """Forget ``paths`` and their articles, in one transaction."""
        with self.transaction() as txn:
            txn.forget(list(paths))

    def clear(self) -> None:
        """Forget every file: delete the manifest, damaged or not.

        :raises ManifestError: a folder is in the place of the manifest (or of
            SQLite's files beside it): not searcher's to delete.
        """
        paths = [self.path, *(self.path.with_name(self.path.name + s) for s in _SIDE_SUFFIXES)]
        for path in paths:
            if path.is_dir():
                raise _folder_error(path)
        for path in paths:
            path.unlink(missing_ok=True)


def _folder_error(path: Path) -> ManifestError:
    return ManifestError(
        path,
        "is a folder, not a file searcher wrote, and searcher deletes only its own files",
        "move it away, then run `searcher index --rebuild CORPUS`",
    )


class Transaction:
    """Changes to the manifest that commit together."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def forget(self, paths: list[str]) -> None:
        """Drop the entries and articles of ``paths``.

        Files whose articles were left out because of these (duplicates, id
        clashes) are marked to be read again (:meth:`reread_left_out`): a run
        that forgets a file reads them again before it ends, and a run killed
        before that leaves them marked for the next one.
        """
        self.reread_left_out(paths)
        rows = [(p,) for p in paths]
        self.con.executemany("delete from left_out where path = ?", rows)
        self.con.executemany("delete from duplicates where path = ?", rows)
        self.con.executemany("delete from articles where path = ?", rows)
        self.con.executemany("delete from captures where path = ?", rows)
        self.con.executemany("delete from files where path = ?", rows)

    def reread_left_out(self, paths: Iterable[str]) -> set[str]:
        """Mark to be read again every file whose articles were left out because
        of ``paths``, and, in turn, because of those; return them.

        Such a file keeps its entry, with an empty hash that no content has
        (see :data:`STALE`), so a run reads it again and replaces its articles.
        """
        marked: set[str] = set()
        frontier = set(paths)
        while frontier:
            rows = self._select("select path from left_out where because_of in ({})", frontier)
            frontier = {str(row[0]) for row in rows} - marked
            marked |= frontier
            self.con.executemany(
                f"update files set size = {STALE}, sha1 = '' where path = ?",
                [(p,) for p in frontier],
            )
        return marked

    def take_over(self, article_id: str, path: str, because_of: str) -> None:
        """Drop the indexed article ``article_id`` of ``path``, now left out
        because of the file ``because_of``, which comes first in the corpus;
        files left out because of ``path`` are read again (it may have held
        what left them out)."""
        self.con.execute("delete from articles where id = ? and path = ?", (article_id, path))
        self.con.execute("delete from captures where id = ? and path = ?", (article_id, path))
        self.con.execute("update files set articles = articles - 1 where path = ?", (path,))
        self.reread_left_out([path])
        self.left_out(path, because_of)

    def add_stems(self, stems: Iterable[tuple[str, str]]) -> None:
        """Record words and their stems, so queries need not import the stemmer."""
        self.con.executemany("insert or ignore into stems values (?, ?)", stems)

    def set_generation(self, generation: int) -> None:
        """Record that the manifest matches the index's TOC of ``generation``."""
        self.con.execute("insert or replace into meta values ('generation', ?)", (generation,))

    def left_out(self, path: str, because_of: str) -> None:
        """Record that an article of ``path`` was left out because of the file ``because_of``."""
        self.con.execute("insert into left_out values (?, ?)", (path, because_of))

    def duplicate(self, article_id: str, path: str, of_id: str) -> None:
        """Record that the article ``article_id`` of ``path`` was left out as an exact
        duplicate of the indexed article ``of_id`` (its copies become that one's)."""
        self.con.execute(
            "insert or replace into duplicates values (?, ?, ?)", (article_id, path, of_id)
        )
        self.con.execute("update duplicates set of_id = ? where of_id = ?", (of_id, article_id))

    def put_files(self, entries: Iterable[FileEntry]) -> None:
        """Insert or replace file entries."""
        self.con.executemany(
            "insert or replace into files values (?, ?, ?, ?, ?)",
            [(e.path, e.size, e.mtime_ns, e.sha1, e.articles) for e in entries],
        )

    def has_articles(self) -> bool:
        """Whether any article is recorded (on a new index, none is to look up)."""
        found: int = self.con.execute("select exists (select 1 from articles)").fetchone()[0]
        return found == 1

    def owners(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Return the file each of ``article_ids`` was indexed from, for those indexed."""
        rows = self._select("select id, path from articles where id in ({})", article_ids)
        return {str(article_id): str(path) for article_id, path in rows}

    def originals(self, keys: Iterable[int]) -> dict[int, tuple[str, str]]:
        """Return the id and file of the indexed article with each of the duplicate
        ``keys``, for those indexed (key 0, "never a duplicate", has none)."""
        rows = self._select(
            "select key, id, path from articles where key != 0 and key in ({})", keys
        )
        return {int(key): (str(i), str(path)) for key, i, path in rows if key}

    def _select(self, sql: str, values: Iterable[object], chunk: int = 500) -> Iterator[Any]:
        """Run ``sql`` (with ``{}`` for a list of parameters) for ``values`` a chunk at a time."""
        distinct = list(dict.fromkeys(values))
        for start in range(0, len(distinct), chunk):
            part = distinct[start : start + chunk]
            yield from self.con.execute(sql.format(",".join("?" * len(part))), part)

    def captured(self, urls: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """Return the indexed capture (id, file, ISO crawl date) of each of ``urls``
        that has one."""
        rows = self._select("select url, id, path, crawled from captures where url in ({})", urls)
        return {str(url): (str(i), str(path), str(crawled)) for url, i, path, crawled in rows}

    def add_captures(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """Record indexed captures of web pages: (URL, article id, file, ISO crawl date)."""
        self.con.executemany("insert or replace into captures values (?, ?, ?, ?)", rows)

    def add_articles(self, rows: Iterable[tuple[str, str, int, str, str | None]]) -> None:
        """Record indexed articles: (id, file, duplicate key, source, ISO 8601 date or None)."""
        self.con.executemany("insert into articles values (?, ?, ?, ?, ?)", rows)

    def add_article(
        self, article_id: str, path: str, key: int, source: str = "", date: str | None = None
    ) -> None:
        """Record one indexed article (``date`` in ISO 8601, for statistics)."""
        self.add_articles([(article_id, path, key, source, date)])


class StemTable:
    """The manifest's ``stems`` table, read-only, as the analyzers ask it
    (:class:`searcher.analysis.StemLookup`): opened on the first word asked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con: sqlite3.Connection | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StemTable) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    def stem(self, word: str) -> str | None:
        """Return the stem recorded for ``word``, or ``None`` (also when the
        table cannot be read: no table yet, busy or damaged, the stemmer answers)."""
        try:
            if self._con is None:
                # Read-only, and asked from whichever thread searches (a Dask
                # worker's task threads and its actor's): any thread may use it.
                self._con = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
                )
            row = self._con.execute("select stem from stems where word = ?", (word,)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close the connection, if open."""
        if self._con is not None:
            self._con.close()
            self._con = None
