"""Crafted index files run no code: a TOC or a segment whose pickles name a
function is refused in one line, and Whoosh reads segment pickles through the
same restricted unpickler."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

import searcher
from searcher import store
from tests.conftest import write_stories


class _Touch:
    """Pickles as a call of ``os.system`` that creates a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


class _Rot13:
    """Pickles as a call of ``_codecs.encode`` with another codec than latin-1."""

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        import codecs

        return (codecs.encode, ("text", "rot13"))


def _small_index(tmp_path: Path) -> tuple[Path, Path]:
    """Index a corpus of 5 stories; return the corpus and the index folders."""
    corpus = tmp_path / "corpus"
    write_stories(corpus, 5)
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(corpus, jobs=1)
    return corpus, tmp_path / "ix"


def _write_toc(index_dir: Path, schema: object = None, segments_: object = ()) -> None:
    """Write the next generation's TOC in Whoosh's format, holding the given pickles
    (the index's own schema and segments where ``None``)."""
    import pickle

    from whoosh.filedb.filestore import FileStorage
    from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    toc = store.read_toc(index_dir)
    generation = toc.generation + 1
    stream = FileStorage(str(index_dir)).create_file(f"_MAIN_{generation}.toc")
    for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(-111)  # the TOC format's version
    for number in (2, 7, 5):
        stream.write_varint(number)
    stream.write_string(pickle.dumps(toc.schema if schema is None else schema, 2))
    stream.write_int(generation)
    stream.write_int(0)
    stream.write(pickle.dumps(toc.segments if segments_ == () else segments_, 2))
    stream.close()


@pytest.mark.parametrize("where", ["schema", "segments", "not a schema"])
def test_a_crafted_toc_runs_no_code_and_is_one_line(tmp_path: Path, where: str) -> None:
    from click.testing import CliRunner

    from searcher.cli import cli

    corpus, index_dir = _small_index(tmp_path)
    marker = tmp_path / "MARKER"
    evil = _Touch(marker)
    if where == "schema":
        _write_toc(index_dir, schema=evil)
    elif where == "segments":
        _write_toc(index_dir, segments_=[evil])
    else:
        _write_toc(index_dir, schema={"body": "text"})
    index = ["--index", str(index_dir)]
    for command in (["query", "story"], ["stats"], ["verify"], ["index", str(corpus)]):
        result = CliRunner().invoke(cli, [*index, *command])
        assert result.exit_code == (1 if command in (["stats"], ["verify"]) else 2), (
            command,
            result.output,
        )
        assert "Traceback" not in result.output
        assert result.stderr.count("\n") == 1 + (command == ["verify"]), result.stderr
        assert "not a searcher index" in result.stderr, result.stderr
    with pytest.raises(searcher.IndexCorruptError, match="not a searcher index"):
        searcher.open_index(index_dir)
    with pytest.raises(searcher.IndexCorruptError, match="not a searcher index"):
        searcher.open_index(index_dir, create=True)
    assert not searcher.verify_index(index_dir).ok
    with pytest.raises(Exception, match="not a searcher index"):
        store.read_toc(index_dir)
    assert store.remove_orphans(index_dir) == []
    assert not marker.exists()
    rebuilt = CliRunner().invoke(cli, [*index, "index", "--rebuild", str(corpus)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert not marker.exists()
    with searcher.open_index(index_dir) as ix:
        assert len(ix) == 5


# Whoosh leaves the segment file open when it fails to read its directory.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_crafted_segment_runs_no_code(tmp_path: Path) -> None:
    import pickle
    import struct

    from click.testing import CliRunner

    from searcher.cli import cli

    _, index_dir = _small_index(tmp_path)
    marker = tmp_path / "MARKER"
    # The compound file's directory (read as a reader opens the segment) made a call.
    (seg,) = index_dir.glob("*.seg")
    data = seg.read_bytes()
    (position,) = struct.unpack("!q", data[:8])
    directory = pickle.dumps(_Touch(marker)) + pickle.dumps({})
    crafted = data[:8] + struct.pack("!i", len(directory)) + data[12:position] + directory
    # Padded to the size written, so that the size check on open passes and the
    # pickle is what is read (the checksum still tells verify it is damaged).
    assert len(crafted) <= len(data)
    seg.write_bytes(crafted.ljust(len(data), b"\0"))
    result = CliRunner().invoke(cli, ["--index", str(index_dir), "query", "story"])
    assert result.exit_code == 2, result.output
    # The pickle was read and refused (no marker), then its file named as damaged.
    assert result.stderr.count("\n") == 1 and "does not match its checksum" in result.stderr
    assert not marker.exists()
    with searcher.open_index(index_dir) as ix, pytest.raises(searcher.IndexCorruptError):
        ix.search("story")
    assert not searcher.verify_index(index_dir).ok
    assert not marker.exists()
    del result
    gc.collect()  # the segment file Whoosh left open is closed while the filter holds


def test_whoosh_reads_segment_pickles_with_the_restricted_unpickler(tmp_path: Path) -> None:
    import datetime
    import pickle

    from whoosh import columns, formats
    from whoosh.codec import whoosh3
    from whoosh.filedb import structfile

    from searcher.store import safepickle

    assert whoosh3.loads is columns.loads is formats.loads is safepickle.restricted_loads
    assert structfile.load_pickle is safepickle.restricted_load
    stored = {"id": "a/1", "date": datetime.datetime(2011, 10, 17, 9, 30), "n": 3}
    for protocol in (2, 3, 5):  # Whoosh's, our stored fields', Whoosh's own files'
        assert safepickle.restricted_loads(pickle.dumps(stored, protocol)) == stored
    marker = tmp_path / "MARKER"
    for protocol in (2, 3, 5):
        with pytest.raises(safepickle.ForeignPickleError, match=r"posix\.system"):
            safepickle.restricted_loads(pickle.dumps(_Touch(marker), protocol))
    with pytest.raises(safepickle.ForeignPickleError, match=r"_codecs\.encode"):
        safepickle.restricted_loads(pickle.dumps(_Rot13()))  # protocol 2's bytes, only latin-1
    assert not marker.exists()
