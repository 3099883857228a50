"""The exceptions searcher raises.

Every error the library raises on purpose derives from :class:`SearcherError`,
so a caller can catch one type::

    SearcherError
    ├── IndexNotFoundError     no index at the given path
    ├── IndexVersionError      the index was built by an incompatible searcher
    ├── IndexCorruptError      the index files cannot be read
    ├── IndexBusyError         another process is writing the index
    ├── ManifestError          the index's manifest cannot be read or written
    ├── FolderNotEmptyError    a new index would go among other files
    ├── ArticleNotFoundError   no article with the given id
    │   └── AmbiguousIdError   an id prefix that names several articles
    ├── IngestError            a corpus file cannot be read
    │   └── UnsupportedFormatError
    ├── QueryError             a query cannot be parsed or run
    │   └── DateError          a date or date range cannot be read
    ├── ArgumentError          an argument's value is out of range (also a ValueError)
    └── ArgumentTypeError      an argument of the wrong type (also a TypeError)

Programmer misuse (a wrong type, a negative limit, ``sort="date"``) raises
:class:`ArgumentTypeError` or :class:`ArgumentError`: a caller can catch
``SearcherError`` for everything, or ``TypeError``/``ValueError`` as usual.
"""

from __future__ import annotations

from pathlib import Path


class SearcherError(Exception):
    """Base class of every error searcher raises on purpose."""


class IndexNotFoundError(SearcherError):
    """There is no index at the given path."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        super().__init__(
            f"No index in {index_dir}/; run `searcher index CORPUS` first "
            f"(for example `searcher index corpus/`)."
        )


class IndexVersionError(SearcherError):
    """The index was built by a searcher with an incompatible schema."""

    def __init__(self, index_dir: Path, found: str, expected: str) -> None:
        self.index_dir = index_dir
        super().__init__(
            f"The index in {index_dir}/ has schema version {found}, this searcher needs "
            f"{expected}; rebuild it with `searcher index --rebuild CORPUS`."
        )


class IndexCorruptError(SearcherError):
    """The index files exist but cannot be read."""

    def __init__(self, index_dir: Path, reason: str) -> None:
        self.index_dir = index_dir
        super().__init__(
            f"The index in {index_dir}/ is damaged ({reason}); "
            f"rebuild it with `searcher index --rebuild CORPUS`."
        )


class IndexBusyError(SearcherError):
    """Another process holds the index's write lock."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        super().__init__(
            f"The index in {index_dir}/ is being written by another process; "
            f"wait for it to finish and run the command again."
        )


class ManifestError(SearcherError):
    """The index's manifest (what was indexed from which file) cannot be used;
    ``path`` names it and the message says what to do."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.path = path
        super().__init__(f"The manifest {path} {problem}; {fix}.")


class FolderNotEmptyError(SearcherError):
    """A new index would be created in a folder that holds other files and no index."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        super().__init__(
            f"{index_dir}/ holds files and no searcher index; choose an empty or new "
            f"folder for the index (`searcher --index FOLDER`), or pass `--force` to "
            f"create it among them (only the index's own files are ever deleted)."
        )


class ArticleNotFoundError(SearcherError):
    """No article with the given id is in the index."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(
            f"No article with id {article_id!r} in the index; "
            f"`searcher query --json` shows the ids."
        )


class AmbiguousIdError(ArticleNotFoundError):
    """An id prefix matches several articles; ``candidates`` lists some of them."""

    def __init__(self, prefix: str, candidates: list[str], more: bool) -> None:
        self.article_id = prefix
        self.candidates = candidates
        shown = ", ".join(candidates) + (", ..." if more else "")
        SearcherError.__init__(
            self, f"The id {prefix!r} is ambiguous: it begins {shown}; give more of it."
        )


class IngestError(SearcherError):
    """A corpus file cannot be read; ``path`` names it and ``reason`` says why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class UnsupportedFormatError(IngestError):
    """No reader handles the file's suffix."""


class QueryError(SearcherError):
    """A query cannot be parsed or run; the message names the problem."""


class DateError(QueryError):
    """A date or date range in a query or option cannot be read."""


class ArgumentError(SearcherError, ValueError):
    """An argument's value is out of range or not one of its choices."""


class ArgumentTypeError(SearcherError, TypeError):
    """An argument is of the wrong type."""
