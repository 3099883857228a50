"""Wire-story duplicates: planted copies collapse, distinct stories never merge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import searcher
from searcher.analysis import neardup
from searcher.cli import cli

WIRE = (
    "Cocoa futures rose to a four-month high in London on Tuesday as dry weather in "
    "Ivory Coast and Ghana threatened the main crop harvest, traders said.\n\n"
    "The harmattan, a dusty wind from the Sahara, arrived early this year and farmers in "
    "the western growing regions reported that pods were drying on the trees before they "
    "could ripen. Exporters in Abidjan said arrivals at the ports were running well behind "
    "last season's pace.\n\n"
    "Ivory Coast is the world's largest cocoa grower, followed by Ghana, and the two "
    "countries together supply about sixty percent of the beans used by chocolate makers. "
    "Analysts at a London brokerage cut their forecast for the global surplus and said a "
    "deficit was now possible if the rains did not return within weeks."
)
EXTRA = (
    "\n\nIn New York, the most active contract gained three percent to its highest level "
    "since July, while sugar and coffee prices were little changed in thin trading ahead "
    "of the holiday."
)
# The same topic and many of the same words, written separately.
OTHER = (
    "Cocoa prices fell sharply in London on Tuesday after heavy rain in Ivory Coast and "
    "Ghana eased fears about the main crop harvest, traders said.\n\n"
    "Farmers in the western growing regions said the rain came just in time for the pods "
    "and that arrivals at the ports of Abidjan and San Pedro should pick up next month. "
    "Ivory Coast is the world's largest cocoa grower, followed by Ghana.\n\n"
    "Chocolate makers have been buying forward since the summer, and analysts at a New "
    "York brokerage raised their forecast for the global surplus, saying the weather "
    "scare of recent weeks had been overdone."
)
THIRD = (
    "Ghana's cocoa board raised the price it pays farmers by ten percent on Monday, "
    "hoping to stop beans being smuggled across the border into Ivory Coast, where "
    "prices are higher. The board said the increase would apply from the start of the "
    "main crop season and would be paid for by a syndicated loan arranged in London. "
    "Farmers' groups welcomed the move but said fertiliser costs had doubled."
)


def _article(key: str, title: str, body: str, source: str, day: int) -> searcher.Article:
    return searcher.Article(
        id=key,
        path=f"{key}.txt",
        title=title,
        body=body,
        source=source,
        date=datetime(2011, 10, day),
    )


PLANTED = [
    _article("wire-afp", "Cocoa hits four-month high on dry weather", WIRE, "AFP", 4),
    _article("wire-paper1", "Dry spell lifts cocoa", WIRE, "Daily Post", 4),
    _article("wire-paper2", "Chocolate makers fret as cocoa climbs", WIRE + EXTRA, "Courier", 5),
    _article("other", "Cocoa falls as rain returns to West Africa", OTHER, "Reuters", 5),
    _article("other-copy", "Rain eases cocoa worries", OTHER, "Gazette", 6),
    _article("third", "Ghana raises cocoa price to farmers", THIRD, "Reuters", 6),
    # Briefs: empty or tiny bodies must never be grouped by body.
    _article("brief1", "Cocoa brief one", "", "AFP", 7),
    _article("brief2", "Cocoa brief two", "", "AFP", 7),
    _article("brief3", "Cocoa note", "Cocoa closed higher.", "AFP", 7),
    _article("brief4", "Cocoa note again", "Cocoa closed higher.", "AFP", 7),
]


@pytest.fixture
def planted(index_env: Path) -> Iterator[searcher.Index]:
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(PLANTED)
        yield ix


def _sig(text: str) -> bytes:
    sig = neardup.signature(text)
    assert sig is not None
    return sig


def test_similarity_of_planted_pairs() -> None:
    assert neardup.similarity(_sig(WIRE), _sig(WIRE)) == 1.0
    with_paragraph = neardup.similarity(_sig(WIRE), _sig(WIRE + EXTRA))
    assert neardup.THRESHOLD <= with_paragraph < 1.0
    assert neardup.similarity(_sig(WIRE), _sig(OTHER)) < 0.2
    assert neardup.similarity(_sig(OTHER), _sig(THIRD)) < 0.2


def test_short_bodies_have_no_signature() -> None:
    assert neardup.signature("") is None
    assert neardup.signature("Cocoa closed higher.") is None
    assert neardup.signature_fields("") == {}


def test_each_group_shows_once_with_its_count(planted: searcher.Index) -> None:
    results = planted.search("cocoa", limit=20)
    assert results.total == len(PLANTED)
    ids = [hit.id for hit in results]
    assert len(ids) == len(set(ids))
    groups = {hit.id: set(hit.similar_ids) for hit in results if hit.similar_count}
    wire_leader = next(i for i in ids if i.startswith("wire"))
    other_leader = next(i for i in ids if i.startswith("other"))
    assert groups == {
        wire_leader: {"wire-afp", "wire-paper1", "wire-paper2"} - {wire_leader},
        other_leader: {"other", "other-copy"} - {other_leader},
    }
    # Distinct stories and briefs each stay a hit of their own.
    assert {"third", "brief1", "brief2", "brief3", "brief4"} <= set(ids)
    assert len(ids) == len(PLANTED) - 3
    assert all(hit.similar_count == len(hit.similar_ids) for hit in results)


def test_all_lists_every_copy(planted: searcher.Index) -> None:
    results = planted.search("cocoa", limit=20, collapse=False)
    assert sorted(hit.id for hit in results) == sorted(a.id for a in PLANTED)
    assert all(hit.similar_count == 0 for hit in results)


def test_group_counts_only_matching_copies(planted: searcher.Index) -> None:
    # The Courier copy alone has the extra paragraph about sugar.
    [hit] = planted.search("harmattan sugar", filters={"source": "Courier"}).hits
    assert hit.similar_count == 0
    # Restricted to 4 October, only two copies of the wire story match.
    [hit] = planted.search("harmattan", until="2011-10-04").hits
    assert hit.similar_count == 1


def test_paging_counts_groups(planted: searcher.Index) -> None:
    everything = [hit.id for hit in planted.search("cocoa", limit=20)]
    paged = [hit.id for page in (1, 2, 3) for hit in planted.search("cocoa", limit=3, page=page)]
    assert paged == everything
    ranks = [hit.rank for hit in planted.search("cocoa", limit=3, page=2)]
    assert ranks == [4, 5, 6]


def test_cli_shows_similar_count_and_all(runner: CliRunner, planted: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "harmattan"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "+2 similar (--no-collapse lists them)" in result.stdout
    assert result.stdout.count("\n1. ") + result.stdout.startswith("1. ") == 1
    result = runner.invoke(cli, ["query", "harmattan", "--no-collapse", "--format", "jsonl"])
    assert sorted(json.loads(line)["id"] for line in result.stdout.splitlines()) == [
        "wire-afp",
        "wire-paper1",
        "wire-paper2",
    ]
    result = runner.invoke(cli, ["query", "harmattan", "--format", "jsonl"])
    [line] = result.stdout.splitlines()
    assert json.loads(line)["similar_count"] == 2


def test_similar_lists_the_copies_first(planted: searcher.Index) -> None:
    ids = [hit.id for hit in planted.similar("wire-afp", limit=3)]
    assert set(ids[:2]) == {"wire-paper1", "wire-paper2"}


def test_group_folds_copies_into_the_best_ranked() -> None:
    wire, other, extra = _sig(WIRE), _sig(OTHER), _sig(WIRE + EXTRA)
    ranked = [("b", other), ("a", wire), ("brief", b""), ("c", extra), ("d", other)]
    assert neardup.group(ranked) == [("b", ["d"]), ("a", ["c"]), ("brief", [])]
    zeros = bytes(neardup.SIGNATURE_BYTES)
    assert neardup.group([("x", zeros), ("y", zeros)]) == [("x", []), ("y", [])]


def test_signature_is_fixed_width_and_stable() -> None:
    sig = _sig(WIRE)
    assert len(sig) == neardup.SIGNATURE_BYTES
    assert sig == _sig(WIRE.upper()), "case-folded words"
    assert len(neardup.band_keys(sig)) == neardup.BANDS


def _plain_signature(tokens: list[str]) -> bytes | None:
    """The signature's algorithm in plain Python: 5-shingle hashes from word ids
    (mod 2**64), each bin's smallest, empty bins filled from the right."""
    mask = 2**64 - 1
    ids = neardup.word_ids(tokens)
    hashes = set()
    for i in range(len(ids) - neardup.SHINGLE_WORDS + 1):
        h = sum(w * m for w, m in zip(ids[i:], neardup.SHINGLE_MULTIPLIERS, strict=False))
        h &= mask
        for mix in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
            h ^= h >> 33
            h = (h * mix) & mask
        h ^= h >> 33
        hashes.add(h)
    if len(hashes) < neardup.MIN_SHINGLES:
        return None
    least: dict[int, int] = {}
    for h in sorted(hashes):
        least.setdefault(h % neardup.BINS, h >> 7)
    out = []
    for i in range(neardup.BINS):
        step = next(s for s in range(neardup.BINS) if (i + s) % neardup.BINS in least)
        out.append((least[(i + step) % neardup.BINS] + step * neardup.FILL_STEP) & 0xFF)
    return bytes(out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("cocoa crop bahia rain dry the of showers".split()), max_size=300))
def test_the_signature_is_its_algorithm(words: list[str]) -> None:
    assert neardup.token_signature(words) == _plain_signature(words)
