"""Walking a corpus: which files to read, under which ids, and which to leave out and why."""

from __future__ import annotations

import errno
import os
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import IngestError
from searcher.ingest._common import FEED_HEAD_BYTES, logical_suffix, looks_like_feed
from searcher.ingest.readers import READERS, get_reader
from searcher.models import Skipped

#: Suffixes of a wire-service distribution (Reuters-21578). In a folder holding
#: such files *and* their DTD, loose ``.txt`` files are the distribution's
#: documentation (README, category lists), not articles. JSON Lines exports are
#: not in this list, and a stray ``.sgm`` without its DTD changes nothing: a
#: folder may well mix them with ``.txt`` articles.
COLLECTION_SUFFIXES = frozenset({".sgm", ".sgml"})
#: The suffix of the document type definition that ships with an SGML distribution.
DTD_SUFFIX = ".dtd"

#: File names (before the first dot, lower case) that are documentation.
DOCUMENTATION_NAMES = frozenset(
    {"readme", "license", "licence", "copying", "provenance", "changelog", "changes", "notice"}
)


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """A file to read, with the id its articles are named by."""

    path: Path
    doc_id: str


@dataclass(slots=True)
class Scan:
    """The result of walking corpus roots: files to read, files left out on
    purpose (``ignored``: not articles), and files that could not be reached
    (``skipped``: broken or looping links, links out of the corpus, unreadable
    folders, FIFOs and devices with an article's suffix)."""

    files: list[CorpusFile] = field(default_factory=list)
    ignored: list[Skipped] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _ignore_reason(path: Path, siblings: set[str]) -> str | None:
    suffix = logical_suffix(path)
    if path.name.split(".", 1)[0].lower() in DOCUMENTATION_NAMES:
        return "documentation, not an article"
    if suffix not in READERS:
        return f"not a supported format ({suffix or 'no suffix'})"
    if suffix in (".txt", ".text") and DTD_SUFFIX in siblings and siblings & COLLECTION_SUFFIXES:
        return "documentation beside a collection archive"
    if suffix == ".xml" and not _is_feed(path):
        return "XML that is not an RSS or Atom feed"
    return None


def _is_feed(path: Path) -> bool:
    """Whether an ``.xml`` file opens a feed; one that cannot be read is left to its reader."""
    try:
        with path.open("rb") as handle:
            head = handle.read(FEED_HEAD_BYTES)
        if head[:2] == b"\x1f\x8b":
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, FEED_HEAD_BYTES)
    except (OSError, zlib.error):
        return True
    return looks_like_feed(head)


def scan(roots: list[Path]) -> Scan:
    """Walk ``roots`` (folders or files) in sorted order and list what to read.

    Hidden files and folders are left out; symbolic links are followed only
    when they stay inside their root, and each folder is visited once, so links
    cannot loop. Only regular files are read (a FIFO would block the run).
    Nothing found below a root raises: problems land in :attr:`Scan.skipped`.
    Article ids are ``<root name>/<path below root>``.

    :raises IngestError: a root does not exist or is neither a folder nor a
        regular file, or is a file of unknown format.
    """
    result = Scan()
    for root in roots:
        try:
            mode = root.stat().st_mode
        except (OSError, RuntimeError) as exc:  # RuntimeError: a link loop on 3.11
            raise IngestError(root, f"no such file or folder ({_why(exc)})") from exc
        if not _is_utf8(str(root.resolve())):
            raise IngestError(root, "the path is not valid UTF-8; rename it")
        if stat.S_ISREG(mode):
            get_reader(root)  # an explicitly named file must be readable
            result.files.append(CorpusFile(root, root.name))
        elif stat.S_ISDIR(mode):
            real = root.resolve()
            _walk(real, real.name, result)
        else:
            raise IngestError(root, "not a regular file or folder (a FIFO, socket or device?)")
    return result


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _why(exc: BaseException) -> str:
    if (isinstance(exc, OSError) and exc.errno == errno.ELOOP) or isinstance(exc, RuntimeError):
        return "the link loops back on itself"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _kind(entry: os.DirEntry[str], root: Path) -> tuple[str, str]:
    """Return ``("dir" | "file" | "other" | "problem", detail)`` for one folder entry."""
    try:
        if entry.is_symlink():
            target = Path(entry.path).resolve(strict=True)
            if not target.is_relative_to(root):
                return "problem", "link leads outside the corpus"
        mode = entry.stat().st_mode  # follows links
    except FileNotFoundError:
        try:
            return "problem", f"broken link (to {os.readlink(entry.path)})"
        except OSError:
            return "problem", "the file vanished while the corpus was scanned"
    except (OSError, RuntimeError) as exc:
        return "problem", f"cannot follow ({_why(exc)})"
    if stat.S_ISDIR(mode):
        return "dir", ""
    if stat.S_ISREG(mode):
        return "file", ""
    return "other", "not a regular file (a FIFO, socket or device)"


def _walk(root: Path, root_name: str, result: Scan) -> None:
    visited: set[Path] = set()
    pending = [root]
    while pending:  # a stack, not recursion: folder depth is the corpus's choice
        folder = pending.pop()
        real = folder.resolve()
        if real in visited:
            continue  # a link to a folder already read (or a loop)
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append(Skipped(str(folder), f"cannot list folder ({_why(exc)})"))
            continue
        siblings = {logical_suffix(Path(e.name)) for e in entries}
        subfolders = []
        for entry in entries:
            if _is_hidden(entry.name):
                continue
            path = Path(entry.path)
            kind, detail = _kind(entry, root)
            if not _is_utf8(entry.name):
                # Python keeps undecodable bytes as lone surrogates, which the
                # index cannot store; such a name would abort the whole run.
                kind, detail = "problem", "the name is not valid UTF-8; rename it"
            if kind == "dir":
                subfolders.append(path)
                continue
            reason = _ignore_reason(path, siblings)
            if kind == "problem":
                result.skipped.append(Skipped(str(path), detail))
            elif reason:
                result.ignored.append(Skipped(str(path), reason))
            elif kind == "other":
                result.skipped.append(Skipped(str(path), detail))
            else:
                doc_id = f"{root_name}/{path.relative_to(root).as_posix()}"
                result.files.append(CorpusFile(path, doc_id))
        pending.extend(reversed(subfolders))


__all__ = [
    "COLLECTION_SUFFIXES",
    "DOCUMENTATION_NAMES",
    "DTD_SUFFIX",
    "CorpusFile",
    "Scan",
    "scan",
]
