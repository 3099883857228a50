"""A generated corpus with skewed files (one of 5,000 stories, many small ones):
four shards answer as one and stay balanced."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import searcher
from tests.cluster.equality import assert_same

WORDS = (
    "oil price market bank rate trade export crude growth minister government "
    "election vote court police strike union wage profit share stock bond "
    "inflation harvest cocoa coffee wheat drought rain storm flood port ship"
).split()
SOURCES = ["Reuters", "AFP", "AP", "DPA", "BBC"]


def _story(rng: random.Random, number: int) -> dict[str, str]:
    words = [rng.choice(WORDS[: rng.randint(5, len(WORDS))]) for _ in range(rng.randint(8, 40))]
    return {
        "id": f"story-{number}",
        "title": " ".join(words[:5]).capitalize(),
        "body": " ".join(words) + ".",
        "date": f"2011-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "source": rng.choice(SOURCES),
    }


def write_skewed_corpus(folder: Path, seed: int = 18) -> int:
    """One JSONL file of 5,000 stories and 40 files of 1 to 20; return the count."""
    rng = random.Random(seed)
    folder.mkdir()
    number = 0
    with open(folder / "big.jsonl", "w", encoding="utf-8") as out:
        for _ in range(5000):
            out.write(json.dumps(_story(rng, number)) + "\n")
            number += 1
    for small in range(40):
        with open(folder / f"small-{small:02d}.jsonl", "w", encoding="utf-8") as out:
            for _ in range(rng.randint(1, 20)):
                out.write(json.dumps(_story(rng, number)) + "\n")
                number += 1
    return number


@pytest.fixture(scope="module")
def skewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    folder = tmp_path_factory.mktemp("skewed")
    stories = write_skewed_corpus(folder / "corpus")
    for shards in (1, 4):
        with searcher.open_index(folder / f"x{shards}", create=True, shards=shards) as ix:
            ix.update(folder / "corpus")
    return folder / "x1", folder / "x4", stories


def test_every_story_once_and_balanced(skewed: tuple[Path, Path, int]) -> None:
    _, four, stories = skewed
    with searcher.open_index(four) as ix:
        stats = ix.stats()
    assert stats.articles == stories
    counts = [count for _, count in stats.shards]
    assert min(counts) > stories / 4 * 0.9, counts


@pytest.mark.parametrize(
    "query",
    [
        "oil price",
        "cocoa harvest",
        '"crude oil"',
        "title:strike",
        "bank NOT rate",
        "wgae~",
        "source:afp OR source:dpa",
        "date:2011-03",
        "oil price market bank",
    ],
)
def test_four_shards_answer_as_one(skewed: tuple[Path, Path, int], query: str) -> None:
    one, four, _ = skewed
    with searcher.open_index(one) as a, searcher.open_index(four) as b:
        for options in (
            {"limit": 20},
            {"sort": "newest"},
            {"facets": "source,month,year", "histogram": "auto"},
            {"facets": True, "histogram": "week", "since": "2011-06"},
        ):
            assert_same(a.search(query, **options), b.search(query, **options), (query, options))
