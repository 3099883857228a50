"""The Reuters-21578 SGML reader, on hand-written fixtures and on the real collection."""

from __future__ import annotations

import gzip
import logging
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.errors import IngestError
from searcher.ingest import ReadOptions, read_file, scan, sgml, shard_of
from searcher.models import Article

DATA = Path(__file__).parents[1] / "data" / "sgml"
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
REUTERS = SHARED_DATA / "reuters21578"

STORY = """<REUTERS TOPICS="NO" NEWID="{newid}">
<DATE> 3-MAR-1987 10:00:00.00</DATE>
<TOPICS></TOPICS>
<TEXT{kind}>&#2;
{text}
&#3;</TEXT>
</REUTERS>
"""


def read(path: Path) -> list[Article]:
    return list(sgml.read(path, path.name))


def write_story(tmp_path: Path, text: str, *, kind: str = "", newid: int = 5) -> Path:
    path = tmp_path / "one.sgm"
    path.write_text(STORY.format(newid=newid, kind=kind, text=text), encoding="ascii")
    return path


def test_normal_story_fields() -> None:
    story = read(DATA / "stories.sgm")[0]
    assert story == Article(
        id="stories.sgm#7",
        path=str(DATA / "stories.sgm"),
        title="KENYA TEA EXPORTS RISE <KTDA> SAYS",
        body=(
            "NAIROBI, March 2 - Kenyan tea exports rose in February as auctions at Mombasa "
            "cleared a backlog, the <Kenya Tea Development Authority> said.\n\n"
            "Prices held at 1.20 dlrs & 1.25 dlrs a kilo for the best grades."
        ),
        byline="Ann Example, Reuters",
        source="Reuters",
        date=datetime(1987, 3, 2, 9, 15, 30, 120000),
        keywords=("tea", "trade", "kenya", "ico-tea"),
        labels=(("topics", "tea"), ("topics", "trade"), ("places", "kenya"), ("orgs", "ico-tea")),
    )


def test_brief_keeps_title_and_drops_placeholder() -> None:
    brief = read(DATA / "stories.sgm")[1]
    assert (brief.id, brief.title, brief.body) == (
        "stories.sgm#8",
        "WIDGET ORDERS FELL 3.1 PCT IN JANUARY",
        "",
    )
    assert brief.keywords == ("usa",)
    assert brief.date == datetime(1987, 3, 2, 9, 20, 1)


def test_unprocessed_story_first_line_is_title() -> None:
    unproc = read(DATA / "stories.sgm")[2]
    assert unproc.id == "stories.sgm#9"
    assert unproc.title == "PORT GRAIN STOCKS - MARCH 2"
    assert unproc.body == "Wheat............120 vs.....118\nMaize.............64 vs......70"


def test_unprocessed_single_line_is_body(tmp_path: Path) -> None:
    (story,) = read(write_story(tmp_path, "LONDON GOLD FIX 418.70 DLRS", kind=' TYPE="UNPROC"'))
    assert (story.title, story.body) == ("", "LONDON GOLD FIX 418.70 DLRS")


def test_entity_only_text_is_kept_empty(tmp_path: Path) -> None:
    # Reuters-21578 has one such story (NEWID 12793); it still counts as a story.
    (story,) = read(write_story(tmp_path, "&#5;&#22;&#31;", kind=' TYPE="UNPROC"'))
    assert (story.id, story.title, story.body) == ("one.sgm#5", "", "")
    assert story.date == datetime(1987, 3, 3, 10, 0)


def test_entities_and_controls_in_title(tmp_path: Path) -> None:
    text = "<TITLE>A &amp; B &lt;AB.N&gt;\x07 UP</TITLE><BODY>Text.</BODY>"
    (story,) = read(write_story(tmp_path, text))
    assert (story.title, story.body) == ("A & B <AB.N> UP", "Text.")


def test_malformed_stories_skipped_others_kept(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="searcher.ingest.sgml"):
        stories = read(DATA / "bad-stories.sgm")
    assert [(s.id, s.title) for s in stories] == [
        ("bad-stories.sgm#1", "FIRST STORY IS FINE"),
        ("bad-stories.sgm#4", "LAST STORY IS FINE"),
    ]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert all(str(DATA / "bad-stories.sgm") in m for m in messages)
    assert "story 2 (line 10): no NEWID" in messages[0]
    assert "story 3 (line 17): truncated" in messages[1]


def test_truncated_last_story_skipped(tmp_path: Path) -> None:
    path = write_story(tmp_path, "<TITLE>KEPT</TITLE><BODY>Kept.</BODY>")
    with path.open("a") as handle:
        handle.write('<REUTERS NEWID="6">\n<DATE> 3-MAR-1987</DATE>\n<TEXT>cut')
    assert [s.id for s in read(path)] == ["one.sgm#5"]


def test_repeated_newid_skipped(tmp_path: Path) -> None:
    path = write_story(tmp_path, "<TITLE>FIRST</TITLE><BODY>One.</BODY>")
    with path.open("a") as handle:
        handle.write(STORY.format(newid=5, kind="", text="<TITLE>SECOND</TITLE>"))
    assert [s.title for s in read(path)] == ["FIRST"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "no <REUTERS> story found"),
        (b"<!DOCTYPE lewis SYSTEM 'lewis.dtd'>\nno stories here\n", "no <REUTERS> story found"),
        (b'<REUTERS OLDID="1">\n<TEXT>x</TEXT>\n</REUTERS>\n', "none of its 1 <REUTERS> stories"),
    ],
)
def test_file_without_stories_raises(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.sgm"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=re.escape(reason)) as info:
        read(path)
    assert info.value.path == path
    assert "\n" not in str(info.value)


def test_latin1_byte_and_bom_decode(tmp_path: Path) -> None:
    text = STORY.format(newid=1, kind="", text="<TITLE>M\xdcNCHEN</TITLE><BODY>Gr\xfc\xdfe.</BODY>")
    latin = tmp_path / "latin.sgm"
    latin.write_bytes(text.encode("latin-1"))
    bom = tmp_path / "bom.sgm"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for path in (latin, bom):
        (story,) = read(path)
        assert (story.title, story.body) == ("MÜNCHEN", "Grüße.")


def test_gzip_through_registry(tmp_path: Path) -> None:
    path = tmp_path / "stories.sgm.gz"
    path.write_bytes(gzip.compress((DATA / "stories.sgm").read_bytes()))
    assert [a.id for a in read_file(path, "x/stories.sgm.gz")] == [
        "x/stories.sgm.gz#7",
        "x/stories.sgm.gz#8",
        "x/stories.sgm.gz#9",
    ]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000) | st.builds(str.encode, st.text(max_size=400)))
def test_random_bytes_only_raise_ingest_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.sgm"
    for content in (data, b'<REUTERS NEWID="1">' + data):
        path.write_bytes(content)
        try:
            articles = read(path)
        except IngestError:
            continue
        assert all(isinstance(a, Article) for a in articles)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=500) | st.builds(str.encode, st.text(max_size=200)))
def test_junk_after_a_good_story_never_loses_it(tmp_path: Path, junk: bytes) -> None:
    good = STORY.format(newid=1, kind="", text="<TITLE>GOOD</TITLE><BODY>Kept.</BODY>")
    path = tmp_path / "junk.sgm"
    path.write_bytes(good.encode("ascii") + junk)
    first = read(path)[0]
    assert (first.id, first.title, first.body) == ("junk.sgm#1", "GOOD", "Kept.")


# --- the real collection (research-use data, read in place, never copied) ---

needs_reuters = pytest.mark.skipif(
    not (REUTERS / "reut2-000.sgm").exists(),
    reason=f"Reuters-21578 is not in {REUTERS} (local research data, not shipped)",
)


@pytest.fixture(scope="module")
def reuters_articles() -> list[Article]:
    files = scan([REUTERS]).files
    return [a for f in files for a in read_file(f.path, f.doc_id)]


def _newids_by_kind() -> dict[str, set[str]]:
    """Classify stories from the raw files, independently of the reader."""
    kinds: dict[str, set[str]] = {"NORM": set(), "BRIEF": set(), "UNPROC": set()}
    story = re.compile(r'NEWID="(\d+)">.*?<TEXT(?: TYPE="(\w+)")?>', re.DOTALL)
    for path in sorted(REUTERS.glob("*.sgm")):
        text = path.read_bytes().decode("latin-1")
        for match in story.finditer(text):
            kinds[match[2] or "NORM"].add(f"reuters21578/{path.name}#{match[1]}")
    return kinds


@needs_reuters
def test_scan_lists_the_22_sgm_files_only() -> None:
    result = scan([REUTERS])
    assert [f.path.name for f in result.files] == [f"reut2-{n:03d}.sgm" for n in range(22)]
    ignored = {Path(s.path).name for s in result.ignored}
    assert {"README.txt", "lewis.dtd", "all-topics-strings.lc.txt"} <= ignored


@needs_reuters
def test_reads_all_21578_stories_none_dropped(reuters_articles: list[Article]) -> None:
    kinds = _newids_by_kind()
    assert {k: len(v) for k, v in kinds.items()} == {"NORM": 19043, "BRIEF": 1798, "UNPROC": 737}
    by_id = {a.id: a for a in reuters_articles}
    assert len(reuters_articles) == len(by_id) == 21578
    assert set(by_id) == kinds["NORM"] | kinds["BRIEF"] | kinds["UNPROC"]
    assert all(by_id[i].title and by_id[i].body for i in kinds["NORM"])
    assert all(by_id[i].title and not by_id[i].body for i in kinds["BRIEF"])
    unproc_with_text = [i for i in kinds["UNPROC"] if by_id[i].body]
    # NEWID 12793 is the one unprocessed story whose text is empty.
    assert set(kinds["UNPROC"]) - set(unproc_with_text) == {"reuters21578/reut2-012.sgm#12793"}
    assert all(a.date is not None and a.source == "Reuters" for a in reuters_articles)


@needs_reuters
def test_first_story_and_the_latin1_byte(reuters_articles: list[Article]) -> None:
    by_id = {a.id: a for a in reuters_articles}
    first = by_id["reuters21578/reut2-000.sgm#1"]
    assert first.title == "BAHIA COCOA REVIEW"
    assert first.body.startswith("SALVADOR, Feb 26 - Showers continued throughout the week")
    assert first.body.endswith("after carnival which ends midday on February 27.")
    assert first.keywords == ("cocoa", "el-salvador", "usa", "uruguay")
    assert first.date == datetime(1987, 2, 26, 15, 1, 1, 790000)
    assert "growth.ü" in by_id["reuters21578/reut2-017.sgm#17980"].body
    assert not any("&#" in a.body or "\x03" in a.body for a in reuters_articles)
    assert not any(a.body.endswith("Reuter") for a in reuters_articles)


def test_each_shard_reads_the_stories_routed_to_it_as_the_whole_file_does(
    tmp_path: Path,
) -> None:
    stories = [STORY.format(newid=n, kind="", text=f"<TITLE>T{n}</TITLE><BODY>B{n}.</BODY>")
               for n in (*range(100, 130), 103, 107)]  # fmt: skip
    path = tmp_path / "many.sgm"
    bad = (DATA / "bad-stories.sgm").read_text(encoding="latin-1")
    path.write_text("".join(stories) + bad, encoding="latin-1")
    for file in (path, DATA / "stories.sgm"):
        whole = read_file(file)
        for shards in (2, 4):
            every = [
                read_file(file, options=ReadOptions(shard=shard, shards=shards))
                for shard in range(shards)
            ]
            for shard, articles in enumerate(every):
                assert articles == [a for a in whole if shard_of(a.id, shards) == shard]
            assert sum(len(articles) for articles in every) == len(whole)
    assert len(read_file(path)) == 30 + 2  # NEWIDs 103 and 107 again: left out
