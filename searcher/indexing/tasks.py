"""What the parent and the worker processes of a run hand each other: a
:class:`Task` (a round's files, and which share of them is this worker's), and
its :class:`TaskResult` (a segment, and what each file gave).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from searcher import ingest
from searcher.models import Skipped

#: One written article: (id, docnum, duplicate key, source, ISO date or None).
Written = tuple[str, int, int, str, str | None]
#: One written capture of a web page: (article id, URL, ISO crawl date).
Capture = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Task:
    """Files for one worker to turn into one segment; ``files`` holds (path, doc id).

    The workers of one run share a round's files (see
    :func:`searcher.indexing.scheduling.take_files`): the round's tasks hold
    the same files, in corpus order, cut into one run of
    files a task; a worker reads its own run from the front, then takes files
    from the back of the longest run left, until none is left. So a worker's
    files are mostly neighbours (their words overlap: fewer to learn and to
    write), and the workers end within about one file of each other.
    ``round`` is the round's number, ``share`` the task's number in the round,
    of ``shares``. ``spans`` (empty, or one entry a file) names the share of
    a file to read where a big web archive is cut among the workers: the file
    is then listed once a span.
    """

    number: int
    index_dir: str
    files: tuple[tuple[str, str], ...]
    options: ingest.ReadOptions = ingest.DEFAULT_OPTIONS
    round: int = 0
    share: int = 0
    shares: int = 1
    spans: tuple[tuple[int, int] | None, ...] = ()


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one file gave: ``articles`` holds (id, docnum, duplicate key, source,
    ISO date) per article written; ``error`` is set when the file could not be read;
    ``passed_over`` counts its records that are no article, by reason;
    ``piece`` is where the span read starts, when a worker read a share of it;
    ``captures`` names the web captures among the articles (a URL crawled on a date)."""

    path: str
    articles: tuple[Written, ...] = ()
    error: str | None = None
    passed_over: tuple[tuple[str, int], ...] = ()
    piece: int = 0
    captures: tuple[Capture, ...] = ()


@dataclass(slots=True)
class TaskResult:
    """A finished task: its segment (``None`` when it holds no article) and files."""

    number: int
    segment: Any
    files: list[FileResult] = field(default_factory=list)
    rejected: list[Skipped] = field(default_factory=list)
    stems: list[tuple[str, str]] = field(default_factory=list)
