"""The RSS/Atom reader, on feeds written here."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import pytest

from searcher.errors import IngestError
from searcher.ingest import read_file, scan

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Harbour Times</title>
  <link>https://harbour.example/</link>
  <description>News from the harbour</description>
  <item>
    <title>Bridge reopens after repairs</title>
    <link>/2011/10/18/bridge</link>
    <guid isPermaLink="false">harbour-2011-10-18-bridge</guid>
    <dc:creator>Jane Roe</dc:creator>
    <pubDate>Tue, 18 Oct 2011 09:30:00 GMT</pubDate>
    <category>Transport</category>
    <description>Short summary only.</description>
    <content:encoded><![CDATA[<p>The harbour <b>bridge</b> reopened on Tuesday.</p>
      <script>track()</script><p>Traffic was light.</p>]]></content:encoded>
  </item>
  <item>
    <title>Ferry timetable changes</title>
    <link>https://harbour.example/ferry</link>
    <description>&lt;p&gt;Ferries run &lt;i&gt;every hour&lt;/i&gt; from Monday.&lt;/p&gt;
    </description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wire Desk</title>
  <link href="https://wire.example/"/>
  <id>urn:wire</id>
  <updated>2011-10-19T12:00:00Z</updated>
  <entry>
    <title type="html">Talks &lt;em&gt;stall&lt;/em&gt; in Baghdad</title>
    <id>urn:wire:talks-1</id>
    <link href="https://wire.example/talks"/>
    <author><name>Dan De Luce</name></author>
    <author><name>Sam Poe</name></author>
    <published>2011-10-19T08:00:00+02:00</published>
    <updated>2011-10-19T10:00:00Z</updated>
    <summary>Summary text.</summary>
    <content type="html">&lt;p&gt;Talks on immunity stalled.&lt;/p&gt;
      &lt;p&gt;No date was set.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Updated only</title>
    <id>urn:wire:updated</id>
    <updated>2011-10-20T07:00:00Z</updated>
    <content type="text">Plain text content.</content>
  </entry>
</feed>
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rss_items_become_articles(tmp_path: Path) -> None:
    bridge, ferry = read_file(write(tmp_path, "harbour.rss", RSS))
    assert bridge.id == "feed:harbour-2011-10-18-bridge"
    assert bridge.title == "Bridge reopens after repairs"
    assert bridge.body == "The harbour bridge reopened on Tuesday.\n\nTraffic was light."
    assert bridge.byline == "Jane Roe"
    assert bridge.source == "Harbour Times"
    assert bridge.date == datetime(2011, 10, 18, 9, 30)
    assert bridge.url == "https://harbour.example/2011/10/18/bridge"  # relative link made whole
    assert bridge.keywords == ("Transport",)
    assert ferry.body == "Ferries run every hour from Monday."  # no content: the summary
    assert ferry.date is None  # no date: none is made up
    assert ferry.id == "feed:https://harbour.example/ferry"  # no guid: the link


def test_atom_entries_become_articles(tmp_path: Path) -> None:
    talks, updated = read_file(write(tmp_path, "wire.atom", ATOM))
    assert talks.id == "feed:urn:wire:talks-1"
    assert talks.title == "Talks stall in Baghdad"
    assert talks.byline == "Dan De Luce, Sam Poe"
    assert talks.date == datetime(2011, 10, 19, 6, 0)  # published, in UTC
    assert talks.body == "Talks on immunity stalled.\n\nNo date was set."
    assert updated.date == datetime(2011, 10, 20, 7, 0)
    assert updated.body == "Plain text content."


def test_xml_files_are_read_only_when_they_are_feeds(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write(folder, "news.xml", ATOM)
    write(folder, "sitemap.xml", '<?xml version="1.0"?><urlset><url/></urlset>')
    found = scan([folder])
    assert [f.path.name for f in found.files] == ["news.xml"]
    assert [(Path(i.path).name, i.reason) for i in found.ignored] == [
        ("sitemap.xml", "XML that is not an RSS or Atom feed")
    ]


def test_a_broken_feed_is_skipped_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not an RSS or Atom feed"):
        read_file(write(tmp_path, "broken.rss", "<html><body>Moved</body></html>"))
    with pytest.raises(IngestError, match="holds no entry"):
        read_file(write(tmp_path, "empty.rss", RSS.split("<item>")[0] + "</channel></rss>"))


def test_a_feed_of_10000_entries(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>Story {n}</title><guid>s{n}</guid><description>Text of story {n}."
        f"</description><pubDate>Tue, 18 Oct 2011 09:30:00 GMT</pubDate></item>"
        for n in range(10_000)
    )
    feed = f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'
    path = write(tmp_path, "big.rss", feed)
    started = time.perf_counter()
    articles = read_file(path)
    assert len(articles) == 10_000 and articles[-1].title == "Story 9999"
    assert len({a.id for a in articles}) == 10_000
    assert time.perf_counter() - started < 30


def test_an_entry_in_successive_feed_files_is_indexed_once(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from searcher.cli import cli

    folder = tmp_path / "feeds"
    folder.mkdir()
    write(folder, "2011-10-18.rss", RSS)
    write(folder, "2011-10-19.rss", RSS)
    runner = CliRunner()
    result = runner.invoke(cli, ["index", str(folder)], catch_exceptions=False)
    assert "2 added" in result.stderr and "2 duplicates" in result.stderr
    hits = runner.invoke(
        cli, ["query", "harbour bridge", "--format", "jsonl"], catch_exceptions=False
    )
    [hit] = [json.loads(line) for line in hits.stdout.splitlines()]
    assert hit["id"] == "feed:harbour-2011-10-18-bridge"
    assert hit["url"] == "https://harbour.example/2011/10/18/bridge"
    assert hit["date"] == "2011-10-18T09:30:00Z"
