"""Shared fixtures: a CLI runner, a private index folder, a copy of the sample corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED_ID = "corpus/000_15647181341936f1.txt"
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """Return a path under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared third-party data is not beside this clone")
    return path


@pytest.fixture(autouse=True)
def index_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point $SEARCHER_INDEX at a private folder, so no test touches index/."""
    index_dir = tmp_path / "index"
    monkeypatch.setenv("SEARCHER_INDEX", str(index_dir))
    return index_dir


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the sample corpus, named ``corpus`` like the original."""
    target = tmp_path / "data" / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def built_index(corpus_dir: Path, index_env: Path) -> Iterator[searcher.Index]:
    with searcher.open_index(index_env, create=True) as ix:
        ix.update(corpus_dir)
        yield ix
