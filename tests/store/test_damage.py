"""Damaged index files: flipped bits, missing segments, a broken manifest.

Each command says in one line which file is damaged and that ``--rebuild``
repairs it, never with a traceback; ``verify`` finds every flipped bit.
"""

from __future__ import annotations

import gc
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import searcher
from searcher import store
from searcher.cli import cli
from searcher.store import MANIFEST_NAME, checksums
from tests.conftest import CORPUS, SEED_ID

COMMANDS = {
    "query": ["query", "immunity troops"],
    "show": ["show", SEED_ID],
    "similar": ["similar", SEED_ID],
    "stats": ["stats"],
    "verify": ["verify"],
    "index": ["index", "CORPUS"],
}
#: Commands that read every segment file whole, so they find any damage.
CHECKING = ("stats", "verify", "index")

# Whoosh leaves a segment file open when a reader fails to open it.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def _collect_left_open() -> Iterator[None]:
    """Close what Whoosh left open while the filter above holds."""
    yield
    gc.collect()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A small index of the sample corpus, built once: (index folder, corpus)."""
    root = tmp_path_factory.mktemp("pristine")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    with searcher.open_index(root / "ix", create=True) as ix:
        ix.update(corpus / "wire", jobs=1)  # two segments, the second with SEED_ID
        ix.update(corpus, jobs=1)
    assert len(list((root / "ix").glob("*.seg"))) == 2
    yield root / "ix", corpus


@pytest.fixture
def damaged(pristine: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A fresh copy of the pristine index, to damage: (index folder, corpus)."""
    index_dir = tmp_path / "damaged"
    shutil.copytree(pristine[0], index_dir)
    return index_dir, pristine[1]


def _run(index_dir: Path, corpus: Path, command: str) -> Result:
    args = [str(corpus) if a == "CORPUS" else a for a in COMMANDS[command]]
    return CliRunner().invoke(cli, ["--index", str(index_dir), *args])


def _assert_one_line(result: Result, *names: str) -> None:
    """A clean failure, no traceback, one line naming a file and ``--rebuild``
    (from ``verify``, a line a problem, then the fix): exit 1 when ``stats`` or
    ``verify`` report the damage they looked for, 2 when it stops another command."""
    reported = result.stderr.startswith(("damaged: ", "problem: "))
    assert result.exit_code == (1 if reported else 2), result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    if lines[-1] == "fix: searcher index --rebuild CORPUS":
        lines = lines[:-1]
        assert all(line.startswith("problem: ") for line in lines), result.stderr
    else:
        assert len(lines) == 1, result.stderr
    for line in lines:
        assert "--rebuild" in line
        assert any(name in line for name in names), line


def _flip(index_dir: Path, rng: random.Random) -> str:
    """Flip one random bit of one random segment file; return the file's name."""
    seg = rng.choice(sorted(index_dir.glob("*.seg")))
    data = bytearray(seg.read_bytes())
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    seg.write_bytes(bytes(data))
    return seg.name


def _wipe_part(index_dir: Path, part: str) -> list[str]:
    """Overwrite one part (e.g. the stored fields) of every segment file with 0xff
    bytes, so reading a hit fails; return the files' names."""
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(index_dir))
    names = []
    for segment in store.read_toc(index_dir).segments:
        compound = segment.open_compound_file(storage)
        where = compound._dir[segment.make_filename(part)]
        compound.close()
        seg = index_dir / segment.make_filename(".seg")
        data = bytearray(seg.read_bytes())
        data[where["offset"] : where["offset"] + where["length"]] = b"\xff" * where["length"]
        seg.write_bytes(bytes(data))
        names.append(seg.name)
    return names


def test_verify_finds_every_flipped_bit(pristine: tuple[Path, Path], tmp_path: Path) -> None:
    rng = random.Random(20)
    for trial in range(20):
        index_dir = tmp_path / f"ix{trial}"
        shutil.copytree(pristine[0], index_dir)
        name = _flip(index_dir, rng)
        report = searcher.verify_index(index_dir)
        assert not report.ok, f"flip {trial} in {name} passed as sound"
        assert any(name in p and "damaged" in p for p in report.problems), report.problems
        assert report.advice == "searcher index --rebuild CORPUS"


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_flipped_bit_gives_one_line_or_none(
    damaged: tuple[Path, Path], command: str, seed: int
) -> None:
    """Queries may not read the flipped bit; commands that do, and those that
    check every file, fail in one line."""
    name = _flip(damaged[0], random.Random(seed))
    result = _run(*damaged, command)
    if command in CHECKING or result.exit_code != 0:
        _assert_one_line(result, name)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("part", ["._stored.col", ".trm"])
def test_a_damaged_segment_part_gives_one_line(
    damaged: tuple[Path, Path], command: str, part: str
) -> None:
    names = _wipe_part(damaged[0], part)
    _assert_one_line(_run(*damaged, command), *names)


def test_reading_errors_are_not_called_damage_on_a_sound_index(
    damaged: tuple[Path, Path],
) -> None:
    with searcher.open_index(damaged[0]) as ix, pytest.raises(ValueError, match="limit"):
        ix.search("immunity", limit=0)


def test_an_index_with_a_missing_segment_file_refuses_to_grow(
    damaged: tuple[Path, Path],
) -> None:
    index_dir, corpus = damaged
    seg = sorted(index_dir.glob("*.seg"))[0]
    seg.unlink()
    for command in ("index", "verify", "stats", "query", "show"):
        _assert_one_line(_run(index_dir, corpus, command), seg.name)
    rebuilt = CliRunner().invoke(
        cli, ["--index", str(index_dir), "index", "--rebuild", str(corpus)]
    )
    assert rebuilt.exit_code == 0, rebuilt.output
    assert searcher.verify_index(index_dir, corpus).ok


def test_stats_and_verify_agree_when_every_segment_file_is_gone(
    damaged: tuple[Path, Path],
) -> None:
    index_dir, corpus = damaged
    names = [seg.name for seg in index_dir.glob("*.seg")]
    for seg in index_dir.glob("*.seg"):
        seg.unlink()
    for command in ("stats", "verify"):
        _assert_one_line(_run(index_dir, corpus, command), *names)
    with pytest.raises(searcher.IndexCorruptError, match="is missing"):
        searcher.open_index(index_dir)


def _strip_checksums(index_dir: Path) -> None:
    """Rewrite the TOC as the searcher before checksums wrote it."""
    toc = store.read_toc(index_dir)
    for segment in toc.segments:
        delattr(segment, checksums.ATTRIBUTE)
    store.commit(index_dir, toc.schema, toc.segments, toc.generation + 1)


def test_an_index_without_checksums_opens_and_verify_says_so(
    damaged: tuple[Path, Path],
) -> None:
    index_dir, corpus = damaged
    _strip_checksums(index_dir)
    with searcher.open_index(index_dir) as ix:
        assert ix.search("immunity").total > 0
    report = searcher.verify_index(index_dir, corpus)
    assert report.ok
    assert report.notes == (
        "2 of 2 segments have no recorded checksums (written before searcher recorded "
        "them): their files are read, not checked bit for bit; "
        "`searcher index --rebuild CORPUS` records them.",
    )
    shown = _run(index_dir, corpus, "verify")
    assert shown.exit_code == 0
    assert shown.stderr == f"note: {report.notes[0]}\n"
    rebuilt = CliRunner().invoke(
        cli, ["--index", str(index_dir), "index", "--rebuild", str(corpus)]
    )
    assert rebuilt.exit_code == 0, rebuilt.output
    report = searcher.verify_index(index_dir, corpus)
    assert report.ok and report.notes == ()


def test_an_index_without_checksums_still_misses_no_file(damaged: tuple[Path, Path]) -> None:
    index_dir, corpus = damaged
    _strip_checksums(index_dir)
    seg = sorted(index_dir.glob("*.seg"))[0]
    seg.unlink()
    for command in ("index", "stats", "verify", "query"):
        _assert_one_line(_run(index_dir, corpus, command), seg.name)


def _damage_manifest(index_dir: Path, kind: str) -> None:
    manifest = index_dir / MANIFEST_NAME
    if kind == "garbage":
        manifest.write_bytes(b"not a database " * 500)
    elif kind == "truncated":
        manifest.write_bytes(manifest.read_bytes()[:5000])
    else:
        manifest.unlink()
        manifest.mkdir()
        (manifest / "notes.txt").write_text("someone else's")


@pytest.mark.parametrize("command", CHECKING)
@pytest.mark.parametrize("kind", ["garbage", "truncated", "folder"])
def test_a_damaged_manifest_gives_one_line(
    damaged: tuple[Path, Path], kind: str, command: str
) -> None:
    _damage_manifest(damaged[0], kind)
    _assert_one_line(_run(*damaged, command), MANIFEST_NAME)


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_rebuild_repairs_a_damaged_manifest(damaged: tuple[Path, Path], kind: str) -> None:
    index_dir, corpus = damaged
    _damage_manifest(index_dir, kind)
    rebuilt = CliRunner().invoke(
        cli, ["--index", str(index_dir), "index", "--rebuild", str(corpus)]
    )
    assert rebuilt.exit_code == 0, rebuilt.output
    assert searcher.verify_index(index_dir, corpus).ok
    assert _run(index_dir, corpus, "stats").exit_code == 0


def test_rebuild_leaves_a_folder_in_the_manifests_place(damaged: tuple[Path, Path]) -> None:
    index_dir, corpus = damaged
    _damage_manifest(index_dir, "folder")
    refused = CliRunner().invoke(
        cli, ["--index", str(index_dir), "index", "--rebuild", str(corpus)]
    )
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        f"Error: The manifest {index_dir / MANIFEST_NAME} is a folder, not a file searcher "
        "wrote, and searcher deletes only its own files; move it away, then run "
        "`searcher index --rebuild CORPUS`."
    ]
    assert (index_dir / MANIFEST_NAME / "notes.txt").read_text() == "someone else's"


def test_a_full_disk_under_the_manifest_is_no_damage(
    damaged: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from searcher.store import Manifest

    def full(*args: object, **kwargs: object) -> None:
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise error

    monkeypatch.setattr(sqlite3, "connect", full)
    with pytest.raises(searcher.ManifestError) as raised:
        Manifest(damaged[0]).entries()
    assert str(raised.value) == (
        f"The manifest {damaged[0] / MANIFEST_NAME} cannot be used (database or disk is "
        "full); fix that and run the command again."
    )
