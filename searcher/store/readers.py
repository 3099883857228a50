"""Reading one segment directly, outside a searcher: what committing, merging and
verifying need (documents by path, stored fields, the term table).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader


@contextmanager
def segment_reader(
    index_dir: Path, schema: Any, segment: Any, *, mmap: bool = True
) -> Iterator[SegmentReader]:
    """Open a Whoosh reader of one ``segment`` of the index in ``index_dir``.

    :param mmap: map the files (see :func:`searcher.store.folder.open_existing`);
        a mapped segment is copied into memory as a reader opens it, which a few
        term lookups do not repay.
    """
    reader = SegmentReader(FileStorage(str(index_dir), supports_mmap=mmap), schema, segment)
    try:
        yield reader
    finally:
        reader.close()


def live_stored_fields(index_dir: Path, schema: Any, segment: Any) -> Iterator[dict[str, Any]]:
    """The stored fields of each live (not deleted) document of ``segment``, in order."""
    with segment_reader(index_dir, schema, segment) as reader:
        for docnum in range(segment.doc_count_all()):
            if not segment.is_deleted(docnum):
                yield reader.stored_fields(docnum)


def delete_by_path(
    index_dir: Path, schema: Any, segments: list[Any], paths: list[str], fieldname: str = "path"
) -> int:
    """Mark deleted, in ``segments``, every document whose ``path`` is in ``paths``.

    :param fieldname: the field to match instead (``id``).
    :returns: how many live documents were deleted.
    """
    if not paths:
        return 0
    count = 0
    for segment in segments:
        # Read in place: a mapped segment is copied into memory as a reader
        # opens it (Reuters: +180 MB for two segments), for a few term lookups.
        with segment_reader(index_dir, schema, segment, mmap=False) as reader:
            for path in paths:
                term = path.encode("utf-8")
                if (fieldname, term) not in reader:
                    continue
                for docnum in reader.postings(fieldname, term).all_ids():
                    if not segment.is_deleted(docnum):
                        segment.delete_document(docnum)
                        count += 1
    return count
