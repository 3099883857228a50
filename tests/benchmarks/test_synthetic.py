"""benchmarks/synthetic.py: seeded stories that searcher reads back as generated."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from searcher import read_file
from tests.conftest import REPO, shared_data


@pytest.fixture(scope="module")
def synthetic() -> Iterator[ModuleType]:
    shared_data("reuters21578")
    shared_data("bbc-news", "bbc")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synthetic

        yield synthetic
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


def test_stories_are_seeded_and_a_smaller_run_is_a_prefix(synthetic: ModuleType) -> None:
    small = list(synthetic.stories(30, per_file=20))
    large = list(synthetic.stories(50, per_file=20))
    assert small == large[:30]
    assert [a.id for a in small[19:21]] == [
        "stories-00000.jsonl#s0000019",
        "stories-00001.jsonl#s0000020",
    ]
    other = list(synthetic.stories(30, seed=1, per_file=20))
    assert [a.body for a in other] != [a.body for a in small]


def test_stories_look_like_news(synthetic: ModuleType) -> None:
    articles = list(synthetic.stories(400))
    assert 340 <= statistics.mean(len(a.body.split()) for a in articles) <= 400
    assert all(a.title and a.source and a.date and a.keywords for a in articles)
    assert 0.7 <= sum(bool(a.byline) for a in articles) / len(articles) <= 0.9
    assert {a.source for a in articles} >= {"Reuters", "BBC", "AFP"}
    assert all("\n\n" in a.body for a in articles)
    assert len({a.body for a in articles}) == len(articles)


def test_searcher_reads_the_files_as_the_stories(synthetic: ModuleType, tmp_path: Path) -> None:
    files = synthetic.write_jsonl(tmp_path, 25, per_file=10)
    assert [f.name for f in files] == [f"stories-0000{n}.jsonl" for n in range(3)]
    read = [a for f in files for a in read_file(f, f.name)]
    expected = list(synthetic.stories(25, per_file=10))
    strip = lambda a: (a.id, a.title, a.body, a.byline, a.source, a.date, a.keywords)  # noqa: E731
    assert [strip(a) for a in read] == [strip(a) for a in expected]
