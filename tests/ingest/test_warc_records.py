"""An archive's records one by one: offsets, gzip'd whole, reading on past bad records."""

from __future__ import annotations

import tracemalloc
import uuid
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from searcher.ingest import read_file, warc
from tests.ingest.archives import counted, html, mixed, page, write_warc, write_whole_gzip_warc


def test_record_offsets_are_those_warcio_gives(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, mixed())
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        theirs = [
            iterator.get_record_offset() for record in iterator if record.rec_type == "response"
        ]
    ours = [int(a.id.rsplit("#", 1)[1]) for a in read_file(path)]
    assert set(ours) <= set(theirs)
    assert read_file(path) == read_file(path)  # stable across runs


def test_a_whole_file_gzip_warc_reads_alike(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_whole_gzip_warc(path, mixed())
    articles, passed = counted(path)
    assert [a.title for a in articles][-1] == "Cocoa harvest late"
    assert len(articles) == 3 and sum(passed.values()) == 8


# Record ids fix the file's bytes. With most, the corrupt member fails to inflate and
# then to parse; with these five (of the first 400), warcio read its compressed bytes
# as they are, and they passed for an ARC header whose length ran over the next record.
@pytest.mark.parametrize("seed", [0, 45, 219, 243, 309, 386])
def test_a_corrupt_member_and_a_truncated_last_record_lose_only_themselves(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, seed: int
) -> None:
    path = tmp_path / "bad.warc.gz"
    pages = [
        html(
            f"https://news.example/{n}",
            page(f"Story {n}", f"Text of story {n}."),
            record_id=f"<urn:uuid:{uuid.UUID(int=seed * 10 + n)}>",
        )
        for n in range(5)
    ]
    offsets = write_warc(path, pages)
    data = bytearray(path.read_bytes())
    middle = offsets[2] + 40  # inside the third record's deflate stream
    data[middle : middle + 20] = b"\x00" * 20
    path.write_bytes(bytes(data[: len(data) - 60]))  # and the last one cut short
    articles, passed = counted(path)
    assert [a.title for a in articles] == ["Story 0", "Story 1", "Story 3"]
    assert passed == {warc.CORRUPT: 2}
    assert warc.CORRUPT in caplog.text


def test_a_whole_file_gzip_warc_is_read_whole_by_one_worker_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """Gzip'd as one stream, a WARC has no member to cut it at: it is not split,
    and both passes over it stream through the gunzipped bytes."""
    path = tmp_path / "big.warc.gz"
    body = page("Big story", "word " * 200_000)  # a 1 MB page
    write_whole_gzip_warc(path, [html(f"https://news.example/{n}", body) for n in range(80)])
    assert warc.split(path, path.stat().st_size, 2) is None
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            surveyed = warc.survey(fh)
            sizes = [len(item.payload) for _, item in warc.records(fh) if not isinstance(item, str)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(surveyed.offsets) == len(sizes) == 80 and set(sizes) == {len(body)}
    assert peak < 4 * warc.MAX_PAYLOAD_BYTES < 80 * len(body)
