"""Damaged index files: flipped bits, missing segments.

Each command says in one line which file is damaged and that ``--rebuild``
repairs it, never with a traceback; ``verify`` finds every flipped bit.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import searcher
from searcher import checksums, segments
from searcher.cli import cli
from tests.conftest import CORPUS, SEED_ID

COMMANDS = {
    "query": ["query", "immunity troops"],
    "show": ["show", SEED_ID],
    "similar": ["similar", SEED_ID],
    "stats": ["stats"],
    "verify": ["verify"],
    "index": ["index", "CORPUS"],
}


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


def _flip(index_dir: Path, rng: random.Random) -> str:
    """Flip one random bit of one random segment file; return the file's name."""
    seg = rng.choice(sorted(index_dir.glob("*.seg")))
    data = bytearray(seg.read_bytes())
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    seg.write_bytes(bytes(data))
    return seg.name


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


def _strip_checksums(index_dir: Path) -> None:
    """Rewrite the TOC as the searcher before checksums wrote it."""
    toc = segments.read_toc(index_dir)
    for segment in toc.segments:
        delattr(segment, checksums.ATTRIBUTE)
    segments.commit(index_dir, toc.schema, toc.segments, toc.generation + 1)


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
