"""The JSON / JSON Lines reader, on hand-written fixtures."""

from __future__ import annotations

import doctest
import gzip
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.errors import IngestError
from searcher.ingest import ReadOptions, read_file, shard_of
from searcher.ingest import json as json_reader
from searcher.models import Article

DATA = Path(__file__).parents[1] / "data" / "json"


def read(path: Path, **field_map: str) -> list[Article]:
    return list(json_reader.read(path, path.name, ReadOptions(field_map=field_map)))


def write(tmp_path: Path, name: str, value: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_doctests() -> None:
    assert doctest.testmod(json_reader).failed == 0


def test_wrapped_list_newsapi_shape() -> None:
    first, second = read(DATA / "wrapped.json")
    assert first == Article(
        id="wrapped.json#1",
        path=str(DATA / "wrapped.json"),
        title="Harbour bridge reopens after repairs",
        body=(
            "The harbour bridge reopened on Tuesday & traffic flowed again.\n\n"
            "Engineers replaced forty cables."
        ),
        byline="Jane Roe",
        source="Example Wire",
        date=datetime(2024, 3, 5, 8, 30),
        url="https://news.example.org/bridge",
    )
    # No content: the description is the body of last resort; +01:00 is read as UTC.
    assert (second.body, second.byline) == ("Readers can now visit until ten at night.", "")
    assert second.date == datetime(2024, 3, 6, 9, 0)


def test_single_object_with_own_id() -> None:
    (article,) = read(DATA / "single.json")
    assert article.id == "single.json#a-17"
    assert article.title == "Council approves new cycle lanes"
    assert article.body == "Work begins in spring.\n\nThe lanes run for four miles."
    assert (article.byline, article.source) == ("Sam Poe, AFP", "AFP")
    assert article.date == datetime(2023, 11, 19)
    assert article.url == "https://example.com/lanes"
    assert article.keywords == ("transport", "cycling", "Local")


def test_nested_wrapper_and_dotted_builtin_names() -> None:
    (article,) = read(DATA / "nested.json")
    assert article.id == "nested.json#world/2022/jan/01/tides"
    assert article.title == "Tides higher than forecast"
    assert article.body == "Coastal towns saw the highest tides in a decade."
    assert article.keywords == ("Oceans", "Climate", "World news")
    assert article.date == datetime(2022, 1, 1, 12, 0)


def test_jsonl_keeps_good_records_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="searcher.ingest.json"):
        orchard, ferry = read(DATA / "records.jsonl")
    assert orchard.id == "records.jsonl#1"
    assert orchard.byline == "Kim Lee, Ola Berg"
    assert orchard.date == datetime(2023, 11, 14, 22, 13, 20)  # epoch seconds
    assert orchard.keywords == ("farming", "weather")
    assert (ferry.id, ferry.source) == ("records.jsonl#99", "Harbour News")
    assert ferry.date == datetime(2024, 5, 6, 9, 0)
    path = DATA / "records.jsonl"
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: line 2 skipped: not valid JSON (Expecting ',' delimiter)",
        f"{path}: line 4 skipped: no title and no body",
        f"{path}: line 5 skipped: not a JSON object",
    ]


def test_field_map_wins_and_follows_dotted_paths() -> None:
    path = DATA / "custom.ndjson"
    (article,) = read(path, title="headline_text", body="story_text", source="meta.outlet")
    assert (article.title, article.body, article.source) == (
        "Custom layout story",
        "A record whose keys are not the usual ones.",
        "Custom Daily",
    )
    with pytest.raises(IngestError, match="no record in the file is an article"):
        read(path)


def test_field_map_overrides_a_builtin_name(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", {"title": "T", "body": "teaser", "story_text": "Full."})
    (article,) = read(path, body="story_text")
    assert article.body == "Full."


def test_field_map_unknown_field_is_misuse() -> None:
    with pytest.raises(ValueError, match="cannot map \\['bodytext'\\]"):
        read(DATA / "single.json", bodytext="x")


def test_case_insensitive_keys_and_lists(tmp_path: Path) -> None:
    record = {
        "Headline": "Upper-case keys",
        "Text": ["First paragraph.", "Second paragraph."],
        "Authors": ["Ann", "Bo"],
        "Source": {"Name": "Case Post"},
        "Category": "Science",
        "pubDate": 1_700_000_000_000,  # milliseconds
    }
    (article,) = read(write(tmp_path, "a.json", [record]))
    assert article.title == "Upper-case keys"
    assert article.body == "First paragraph.\n\nSecond paragraph."
    assert (article.byline, article.source) == ("Ann, Bo", "Case Post")
    assert article.keywords == ("Science",)
    assert article.date == datetime(2023, 11, 14, 22, 13, 20)


def test_html_body_and_title_stripped() -> None:
    assert json_reader.html_to_text(
        "<div><h2>Sub</h2><p>A&nbsp;b <i>c</i></p><style>p{}</style>x &lt; y</div>"
    ) == ("Sub\n\nA b c\n\nx < y")


def test_duplicate_ids_fall_back_to_ordinal(tmp_path: Path) -> None:
    path = write(tmp_path, "d.json", [{"id": 1, "title": "A"}, {"id": 1, "title": "B"}])
    assert [a.id for a in read(path)] == ["d.json#1", "d.json#2"]


def test_json_lines_in_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "lines.json"
    path.write_text('{"title": "One"}\n{"title": "Two"}\n', encoding="utf-8")
    assert [a.title for a in read(path)] == ["One", "Two"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"])
def test_unicode_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u.json"
    path.write_bytes(json.dumps({"title": "Zürich café", "body": "Prix: 5 €"}).encode(encoding))
    (article,) = read(path)
    assert (article.title, article.body) == ("Zürich café", "Prix: 5 €")


def test_gzip_jsonl_through_registry(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"title": "Zipped", "body": "Inside gzip."}\n'))
    (article,) = read_file(path, "feed.jsonl.gz")
    assert (article.id, article.title) == ("feed.jsonl.gz#1", "Zipped")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.json", b"", "the file is empty"),
        ("blank.jsonl", b"\n  \n", "the file is empty"),
        ("bad.json", b'{"title": "x",\n "body": }', "Expecting value at line 2 column 10"),
        ("list.json", b"[]", "no article records"),
        ("scalar.json", b"42", "no article records"),
        ("meta.json", b'{"status": "ok", "count": 0}', "no article records"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("none.jsonl", b'{"url": "x"}\nnot json\n', "no record in the file is an article"),
        ("nulls.json", b'[{"title": null, "body": ""}]', "no record in the file is an article"),
    ],
)  # fmt: skip
def test_unreadable_files_raise_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message) as info:
        read(path)
    assert info.value.path == path
    assert "\n" not in str(info.value)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=1000)
    | st.builds(
        lambda v: json.dumps(v).encode(),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(
                    st.sampled_from(["title", "body", "id", "date", "tags", "author", "data", "x"]),
                    inner,
                    max_size=5,
                )
            ),
            max_leaves=20,
        ),
    ),
    suffix=st.sampled_from([".json", ".jsonl", ".ndjson"]),
)
def test_random_input_only_raises_ingest_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        articles = read(path)
    except IngestError:
        return
    assert all(isinstance(a, Article) and (a.title or a.body) for a in articles)


@pytest.mark.parametrize(
    ("document", "titles"),
    [
        ({"title": "Feed", "items": [{"title": "A"}, {"title": "B"}]}, ["A", "B"]),
        ({"title": "Own", "body": "Text.", "data": [1, 2]}, ["Own"]),
        ({"meta": {"page": 1}, "payload": {"list": [{"headline": "Deep"}]}}, ["Deep"]),
        ({"data": {"result": {"articles": [{"title": "Three deep"}]}}}, ["Three deep"]),
    ],
)
def test_wrapper_detection(tmp_path: Path, document: dict[str, Any], titles: list[str]) -> None:
    assert [a.title for a in read(write(tmp_path, "w.json", document))] == titles


def test_field_map_makes_a_lone_object_an_article(tmp_path: Path) -> None:
    path = write(tmp_path, "one.json", {"story_text": "Only a mapped body."})
    (article,) = read(path, body="story_text")
    assert (article.id, article.body) == ("one.json#1", "Only a mapped body.")


def test_builtin_names_are_lower_case() -> None:
    # Records are keyed by lower-cased names, so the built-in names must be lower case.
    names = [n for names in json_reader.FIELD_NAMES.values() for n in names]
    assert names == [n.lower() for n in names]
    assert set(json_reader.FIELD_NAMES) == json_reader.MAPPABLE_FIELDS


def test_jsonl_line_separators_inside_strings(tmp_path: Path) -> None:
    path = tmp_path / "sep.jsonl"
    record = {"title": "Line\u2028separator", "body": "Next\x85line."}
    path.write_bytes((json.dumps(record, ensure_ascii=False) + "\r\n").encode("utf-8") * 2)
    articles = read(path)
    assert [a.id for a in articles] == ["sep.jsonl#1", "sep.jsonl#2"]
    assert articles[0].title.split() == ["Line", "separator"]


def _routed(
    path: Path, shards: int, untitled: int, monkeypatch: pytest.MonkeyPatch
) -> list[list[Article]]:
    """Each of ``shards`` shards' articles of the file, checking that a shard
    cleans the bodies of its own articles only, and of the ``untitled``
    records (read whole: only a body with text makes them articles)."""
    cleaned: list[str] = []
    clean = json_reader.html_to_text

    def counted(text: str) -> str:
        cleaned.append(text)
        return clean(text)

    monkeypatch.setattr(json_reader, "html_to_text", counted)
    every = []
    for shard in range(shards):
        cleaned.clear()
        articles = read_file(path, options=ReadOptions(shard=shard, shards=shards))
        titled = sum(1 for a in articles if a.title)
        assert len(cleaned) == titled + untitled, "a body of another shard's article cleaned"
        every.append(articles)
    return every


def test_each_shard_reads_the_records_routed_to_it_as_the_whole_file_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records: list[Any] = [
        {"id": "a", "title": "First", "body": "<p>one</p>"},
        {"id": "a", "title": "Same id", "body": "<p>two</p>"},  # named by its ordinal
        {"title": "", "body": "<p></p>"},  # no article: no title, an empty body
        {"id": "2", "title": "Takes the ordinal of record 2", "body": "<p>x</p>"},
        {"title": "", "body": "<p>a body, no title</p>"},
        "not an object",
        *({"id": str(n % 7), "title": f"t{n}" if n % 3 else "", "body": f"<p>{n}</p>"}
          for n in range(60)),
    ]  # fmt: skip
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    whole = read_file(path)
    untitled = sum(1 for r in records if isinstance(r, dict) and not r["title"])
    for shards in (2, 3, 4):
        every = _routed(path, shards, untitled, monkeypatch)
        for shard, articles in enumerate(every):
            assert articles == [a for a in whole if shard_of(a.id, shards) == shard]
        assert sorted(a.id for shard in every for a in shard) == sorted(a.id for a in whole)


def test_a_shard_that_keeps_none_of_a_files_articles_reads_it_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "one.json", {"id": "x", "title": "Only", "body": "Text."})
    (kept,) = read_file(path)
    for shard in range(4):
        got = read_file(path, options=ReadOptions(shard=shard, shards=4))
        assert got == ([kept] if shard == shard_of(kept.id, 4) else [])
    empty = write(tmp_path, "none.json", [{"id": "x", "title": "", "body": ""}])
    for shard in range(4):
        with pytest.raises(IngestError, match="no record in the file is an article"):
            read_file(empty, options=ReadOptions(shard=shard, shards=4))
