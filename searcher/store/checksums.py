"""Content checksums of segment files: recorded when a segment is written, checked
in full by ``verify``, ``stats`` and every indexing run, by size when an index
opens, and in full again when reading a segment fails, to name the damaged file.

A segment's compound ``.seg`` file never changes once written (deletions are
kept in the table of contents), so one CRC-32 of the whole file, with its size,
describes it. CRC-32 finds every flipped bit and every burst of up to 32.

The checksum is kept on the segment object, which the TOC pickles: it is
committed with the segment, in the same rename, so a crash between writing a
segment and committing it leaves no checksum to clean up, and no extra file.
Segments written before checksums have none ("not recorded"): only their
files' presence is checked.

Checking reads every byte (Reuters: 100 MB in about 40 ms, a fifth of a query
process), so opening an index compares sizes only.
"""

from __future__ import annotations

import logging
import stat
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from searcher.errors import IndexCorruptError
from searcher.store.generations import read_toc

LOGGER = logging.getLogger(__name__)

#: The segment attribute holding ``(size, crc32)`` of its ``.seg`` file.
ATTRIBUTE = "searcher_checksum"
#: How many damaged files an error message names (the rest are counted).
NAMED = 3
_BLOCK = 1 << 20


def file_checksum(path: Path) -> tuple[int, int]:
    """Return the size and CRC-32 of the file at ``path``."""
    size = crc = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return size, crc


def segment_file(segment: Any) -> str:
    """Return the name of the segment's compound file."""
    return str(segment.make_filename(".seg"))


def record(segment: Any, index_dir: Path) -> None:
    """Record, on ``segment``, the checksum of its (finished) file in ``index_dir``."""
    setattr(segment, ATTRIBUTE, file_checksum(index_dir / segment_file(segment)))


def recorded(segment: Any) -> tuple[int, int] | None:
    """Return the recorded ``(size, crc32)`` of the segment's file, ``None`` if none was."""
    value = getattr(segment, ATTRIBUTE, None)
    if isinstance(value, tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


def problem(index_dir: Path, segment: Any, *, full: bool) -> str | None:
    """Say what is wrong with the segment's file (``None``: nothing found).

    :param full: read the whole file and compare checksums, not only sizes.
    """
    name = segment_file(segment)
    path = index_dir / name
    expected = recorded(segment)
    try:
        if full and expected is not None:
            size, crc = file_checksum(path)
        else:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):
                return f"{name} is not a file"
            size, crc = status.st_size, None
    except FileNotFoundError:
        return f"{name} is missing"
    except OSError as exc:
        return f"{name} cannot be read ({exc.strerror or exc})"
    if expected is None:
        return None
    if size != expected[0]:
        return f"{name} has {size} bytes, not the {expected[0]} written"
    if crc is not None and crc != expected[1]:
        return f"{name} does not match its checksum"
    return None


def problems(index_dir: Path, segments: Iterable[Any], *, full: bool) -> list[str]:
    """Return what is wrong with the files of ``segments``, one sentence a file."""
    found = (problem(index_dir, segment, full=full) for segment in segments)
    return [p for p in found if p is not None]


def damage(index_dir: Path, found: list[str]) -> IndexCorruptError:
    """Return the error naming the damaged files of ``found`` (see :func:`problems`)."""
    named = "; ".join(found[:NAMED])
    more = len(found) - NAMED
    return IndexCorruptError(index_dir, named + (f"; and {more} more files" if more > 0 else ""))


def check(index_dir: Path, segments: Iterable[Any], *, full: bool = True) -> None:
    """Check the files of ``segments``, in full or (``full=False``) by size.

    :raises IndexCorruptError: a file is missing or damaged; it is named.
    """
    found = problems(index_dir, segments, full=full)
    if found:
        raise damage(index_dir, found)


def check_latest(index_dir: Path, *, full: bool) -> Any:
    """Check the segment files the latest TOC names, in full or (``full=False``)
    by size; return that TOC.

    A file missing because a writer committed a newer TOC (a merge) and deleted
    it is no damage: the newer TOC is checked instead.

    :raises IndexCorruptError: a file is missing or damaged; it is named.
    """
    toc = read_toc(index_dir)
    for _ in range(3):
        found = problems(index_dir, toc.segments, full=full)
        if not found:
            return toc
        latest = read_toc(index_dir)
        if latest.generation == toc.generation:
            break
        toc = latest
    raise damage(index_dir, found)


def unrecorded(segments: Iterable[Any]) -> tuple[int, int]:
    """Return how many of ``segments`` have no recorded checksum, and how many there are."""
    listed = list(segments)
    return sum(recorded(s) is None for s in listed), len(listed)


def read_failure(
    index_dir: Path, segments: Iterable[Any], exc: BaseException, read_errors: tuple[type, ...]
) -> IndexCorruptError | None:
    """Say what ``exc``, raised while reading ``segments``, means: the error naming
    the damaged files when checking them finds any, ``None`` when it is no damage.

    Segments without recorded checksums cannot be checked: for them, any of
    ``read_errors`` (what damaged files raise) is taken for damage.
    """
    listed = list(segments)
    found = problems(index_dir, listed, full=True)
    if found:
        return damage(index_dir, found)
    if unrecorded(listed)[0] and isinstance(exc, read_errors):
        return IndexCorruptError(index_dir, f"{type(exc).__name__}: {exc}")
    LOGGER.debug("segment files check sound after %r", exc)
    return None
