"""Which copy of an article a run keeps: feed entries updated by later feed files,
the latest capture of a URL that several web archives captured."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import searcher
from tests.ingest.archives import html, page, write_warc

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>https://harbour.example/</link>
<description>News</description>{items}</channel></rss>
"""
ITEM = """<item><title>{title}</title><guid isPermaLink="false">{guid}</guid>
<link>https://harbour.example/{guid}</link><description>{body}</description></item>"""


def write_feed(path: Path, *entries: tuple[str, str]) -> None:
    """A feed of ``(guid, version)`` entries: the title and body say which version."""
    items = "".join(
        ITEM.format(guid=guid, title=f"{guid} story, {version}", body=f"The {version} text.")
        for guid, version in entries
    )
    path.write_text(FEED.format(items=items), encoding="utf-8")


def held(ix: searcher.Index) -> dict[str, tuple[str, str]]:
    """Each indexed article's title and file name, by id."""
    return {a.id: (a.title, Path(a.path).name) for a in ix.articles()}


def cold(folder: Path, tmp_path: Path) -> dict[str, tuple[str, str]]:
    with searcher.open_index(tmp_path / "cold", create=True) as ix:
        ix.update(folder, jobs=1, rebuild=True)
        return held(ix)


@pytest.fixture
def fast_tmp() -> Iterator[Path]:
    """A folder on tmpfs where there is one: the fsyncs of a dozen runs took most of the time."""
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    yield folder
    shutil.rmtree(folder)


def test_a_later_feed_file_updates_an_entry_and_runs_converge(fast_tmp: Path) -> None:
    tmp_path = fast_tmp
    folder = tmp_path / "feeds"
    folder.mkdir()
    write_feed(folder / "2011-10-18.rss", ("bridge", "first draft"), ("ferry", "only version"))
    write_feed(folder / "2011-10-19.rss", ("bridge", "update"))
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        report = ix.update(folder, jobs=2)  # both files in one round
        assert held(ix) == {
            "feed:bridge": ("bridge story, update", "2011-10-19.rss"),
            "feed:ferry": ("ferry story, only version", "2011-10-18.rss"),
        }
        [left_out] = report.duplicates
        assert left_out.reason == f"updated by {folder / '2011-10-19.rss'}"
        assert ix.update(folder).unchanged == 2  # a re-run reads nothing

    # Run by run, as the files arrive, go and come back: each run ends as a cold run.
    steps = [
        {"2011-10-18.rss": [("bridge", "first draft"), ("ferry", "only version")]},
        {"2011-10-19.rss": [("bridge", "update")]},
        {"2011-10-20.rss": [("bridge", "final"), ("ferry", "corrected")]},
        {"2011-10-17.rss": [("bridge", "rumour")]},  # an older file changes nothing
        {"2011-10-20.rss": None},  # the latest goes: the update before it is back
        {"2011-10-19.rss": [("bridge", "update, edited")]},
    ]
    folder = tmp_path / "arriving"
    folder.mkdir()
    with searcher.open_index(tmp_path / "steps", create=True) as ix:
        for step in steps:
            for name, entries in step.items():
                if entries is None:
                    (folder / name).unlink()
                else:
                    write_feed(folder / name, *entries)
            ix.update(folder, jobs=1)
            assert held(ix) == cold(folder, tmp_path), step
        assert held(ix)["feed:bridge"] == ("bridge story, update, edited", "2011-10-19.rss")
        assert held(ix)["feed:ferry"] == ("ferry story, only version", "2011-10-18.rss")


def test_a_url_captured_in_several_archives_is_indexed_once_as_its_latest_capture(
    fast_tmp: Path,
) -> None:
    def crawl(name: str, date: str, *titles: str) -> None:
        recs = [
            html(f"https://news.example/{t.split()[0]}", page(t, f"{t} text."), date=date)
            for t in titles
        ]
        write_warc(folder / name, recs)

    folder = fast_tmp / "crawls"
    folder.mkdir()
    crawl("a.warc.gz", "2019-11-22T08:00:00Z", "talks end in a deal", "ferry fares rise")
    crawl("b.warc.gz", "2019-11-21T08:00:00Z", "talks begin", "bridge reopens")
    with searcher.open_index(fast_tmp / "ix", create=True) as ix:
        report = ix.update(folder, jobs=2)
        assert sorted(title for title, _ in held(ix).values()) == [
            "bridge reopens", "ferry fares rise", "talks end in a deal",
        ]  # fmt: skip
        [left_out] = report.duplicates
        assert left_out.path.startswith(str(folder / "b.warc.gz"))
        assert left_out.reason.startswith("earlier capture of https://news.example/talks than ")

    # Archives arriving and going, run by run: each run ends as a cold run.
    steps = [
        ("b.warc.gz", "2019-11-21T08:00:00Z", "talks begin"),
        ("c.warc.gz", "2019-11-23T08:00:00Z", "talks resume"),  # later file, later capture
        ("a.warc.gz", "2019-11-22T08:00:00Z", "talks end in a deal"),  # earlier file, later
        ("c.warc.gz", None, ""),  # the latest goes: the one before it is back
    ]
    folder = fast_tmp / "arriving"
    folder.mkdir()
    with searcher.open_index(fast_tmp / "steps", create=True) as ix:
        for name, date, title in steps:
            if date is None:
                (folder / name).unlink()
            else:
                crawl(name, date, title)
            ix.update(folder, jobs=1)
            assert held(ix) == cold(folder, fast_tmp), name
            assert len(held(ix)) == 1
        assert [title for title, _ in held(ix).values()] == ["talks end in a deal"]
