"""Shared fixtures: a CLI runner, a private index folder, a copy of the sample corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import settings

import searcher
from searcher import store

# No per-example time limit for property tests: a timing is a benchmark's
# business, and on a loaded machine one slow example failed a whole run
# (tests/ingest/test_json.py: 1,030 ms against the default 200 ms).
settings.register_profile("searcher", deadline=None)
settings.load_profile("searcher")

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


def whoosh_index(ix: searcher.Index) -> Any:
    """The Whoosh index under ``ix``, opened as the store opens it, for the suites
    that compare our reading and scoring with Whoosh's own."""
    return store.open_existing(ix.path)


def write_stories(folder: Path, count: int, salt: str = "") -> None:
    """Write ``count`` small plain-text stories into ``folder``: ``0000.txt``... each
    with its own headline and a word of its own (``Unique<n>``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        words = " ".join(f"w{(i * 31 + k) % 997}" for k in range(150))
        text = f"Story number {i}{salt}\n\nUnique{i} {words}.\n"
        (folder / f"{i:04d}.txt").write_text(text)


#: The words of :func:`news_articles`: abbreviations, numbers, accents, stop words.
WORDS = (
    "troops Iraq's U.S. 39,000 São Paulo talks immunity legal the of and to news "
    "cocoa Bahia showers drought prospects crop bags sales Comissaria Smith said "
    "oil prices rose fell dollar yen bank rates percent pct mln"
).split()


def news_articles(count: int) -> list[searcher.Article]:
    """``count`` made-up news articles over :data:`WORDS`: titles, bylines, three
    sources, dates (every fifth undated) and keywords, of many lengths."""
    articles = []
    for i in range(count):
        words = [WORDS[(i * 7 + k * k) % len(WORDS)] for k in range(20 + i % 300)]
        articles.append(
            searcher.Article(
                id=f"c/{i}.txt",
                path=f"/c/{i}.txt",
                title=" ".join(words[:5]).title(),
                body=" ".join(words),
                byline="Dan De Luce, AFP" if i % 3 else "",
                source=("AFP", "Reuters", "")[i % 3],
                date=datetime(1987, 2, 1 + i % 28, i % 24) if i % 5 else None,
                keywords=("cocoa", "usa") if i % 2 else ("oil",),
            )
        )
    return articles
