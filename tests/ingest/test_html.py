"""The HTML reader on hand-written pages: metadata sources, boilerplate, encodings, bad input."""

from __future__ import annotations

import doctest
import gc
import gzip
import importlib
import time
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.errors import IngestError
from searcher.ingest import read_file
from searcher.ingest.html import declared_charset, flat_text, fragment_text, parse_html
from searcher.ingest.html_meta import strip_site_name
from searcher.models import Article
from tests.ingest.pages import PAGES, inline, page


def test_json_ld_is_trusted_first() -> None:
    article = page("jsonld_article.html")
    assert article.title == 'Harbour bridge reopens after "long" repairs'
    assert article.byline == "Mara Quinn, Tomás Ruiz"
    assert article.source == "Coastal Herald"
    assert article.date == datetime(2021, 3, 4, 7, 30)
    assert article.url == "https://herald.example/news/bridge-reopens"
    assert article.keywords == ("transport", "bridges")


def test_boilerplate_is_left_out_and_paragraphs_kept() -> None:
    body = page("jsonld_article.html").body
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith("The harbour bridge reopened to traffic")
    assert paragraphs[2] == "Traffic returns"
    assert paragraphs[-1].endswith("the transport department said in a statement.")
    assert len(paragraphs) == 5
    for noise in (
        "cookies", "Home", "Share on", "Advertisement", "Harbour Marine", "Photo: Herald",
        "Sign up", "Related stories", "ferry timetable", "nuisance", "Copyright", "By Mara",
    ):  # fmt: skip
        assert noise not in body


def test_open_graph_and_meta_tags() -> None:
    article = page("meta_only.html")
    assert article.title == "Orchard growers count frost losses"
    assert article.byline == "Jane Roe"
    assert article.source == "Valley Times"
    assert article.date == datetime(2019, 11, 19, 18, 0)
    assert article.url == "https://valley.example/frost"
    assert article.body.count("\n\n") == 2
    assert "Most read" not in article.body
    assert "Front page" not in article.body


def test_time_element_and_rel_author() -> None:
    article = page("time_byline.html")
    assert article.title == "Library extends opening hours"
    assert article.byline == "Sam Lee"
    assert article.date == datetime(2020, 2, 29, 10, 15)
    assert article.body.startswith("The central library will stay open")
    assert "Posted by" not in article.body


def test_title_without_site_name() -> None:
    assert strip_site_name("Rates rise again | The Daily Post", "") == "Rates rise again"
    assert (
        strip_site_name("Daily Post - Rates rise in March", "Daily Post") == "Rates rise in March"
    )
    assert strip_site_name("Rates rise - and rise again", "") == "Rates rise - and rise again"
    assert strip_site_name("Mars", "") == "Mars"


def test_meta_charset_cp1252_page() -> None:
    assert declared_charset((PAGES / "cp1252.html").read_bytes()) == "windows-1252"
    assert declared_charset(b'<meta charset="utf-16"><p>x</p>') == "utf-8"
    body = page("cp1252.html").body
    assert "costs £4, up from £3" in body
    assert "“buying less but more often”" in body
    assert "The café by the entrance" in body


def test_byte_order_mark() -> None:
    article = page("bom.html")
    assert article.title == "Choir tours Sweden"
    assert "Örebro, Västerås and Göteborg" in article.body


def _fields(article: Article) -> dict[str, object]:
    return {name: getattr(article, name) for name in article.__slots__}


def test_gzip_page_is_read_through_the_registry(tmp_path: Path) -> None:
    packed = tmp_path / "bridge.html.gz"
    packed.write_bytes(gzip.compress((PAGES / "jsonld_article.html").read_bytes()))
    [article] = read_file(packed)
    assert article == page("jsonld_article.html").__class__(
        **{**_fields(page("jsonld_article.html")), "id": "bridge.html.gz", "path": str(packed)}
    )


def test_truncated_page_keeps_what_it_has() -> None:
    article = page("truncated.html")
    assert article.title == "Museum returns stolen painting"
    assert article.body.endswith("confirmed that it was the missing work after compar")
    assert article.body.count("\n\n") == 1


def test_unclosed_tags() -> None:
    article = page("unclosed_tags.html")
    assert article.title == "Storm closes ferry routes"
    assert article.body.split("\n\n")[-1] == (
        "Schools on the smaller islands will stay closed on Monday as a precaution, "
        "the education office said."
    )
    assert article.body.count("\n\n") == 2


def test_page_without_body_element() -> None:
    article = page("no_body.html")
    assert article.title == "Council votes to plant ten thousand trees"
    assert article.body.startswith("The council voted on Wednesday")
    assert article.body.endswith("through a form on the council website, officials said.")


def test_binary_junk_is_a_one_line_error() -> None:
    junk = bytes(range(256)) * 64
    with pytest.raises(IngestError) as caught:
        parse_html(junk, path="junk.html", doc_id="junk.html")
    assert str(caught.value) == "junk.html: not an HTML page (binary data)"


def test_empty_page_is_a_one_line_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"<html><body><script>var x = 1;</script></body></html>")
    with pytest.raises(IngestError) as caught:
        read_file(empty)
    assert str(caught.value) == f"{empty}: the page holds no headline and no text"
    assert "\n" not in str(caught.value)


def test_bad_gzip_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(gzip.compress(b"<p>hello</p>" * 100)[:40])
    with pytest.raises(IngestError) as caught:
        read_file(broken)
    assert str(caught.value).startswith(f"{broken}: not a readable gzip file")


@pytest.mark.parametrize("depth", [5_000, 2_000_000])
def test_deeply_nested_divs(depth: int) -> None:
    data = (
        b"<html><head><title>Nested page</title></head><body>"
        + b"<div>" * depth
        + b"<p>The only paragraph of this page, deep inside many divs.</p>"
        + b"</div>" * depth
        + b"</body></html>"
    )
    start = time.perf_counter()
    article = parse_html(data, path="deep.html", doc_id="deep.html")
    assert time.perf_counter() - start < 20
    assert article.title == "Nested page"
    assert article.body == "The only paragraph of this page, deep inside many divs."


def test_flat_text_drops_scripts_and_entities() -> None:
    text = "<title>T</title><p>One &amp; two</p><script>alert(1)</script><!-- c --><p>Three</p>"
    assert flat_text(text) == "One & two\n\nThree"


@pytest.mark.parametrize(
    "module", ["searcher.ingest.html", "searcher.ingest.html_meta", "searcher.ingest.html_content"]
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0


def test_div_paragraphs_beside_the_best_container_are_kept() -> None:
    para = '<div class="zn-body__paragraph">{} said the spokesman, adding more detail on it.</div>'
    lead = "".join(para.format(f"Lead point {n}, with a comma, and enough words,") for n in (1, 2))
    rest = "".join(para.format(f"Later point {n}, with a comma, and more words,") for n in range(6))
    body = (
        f'<div class="l-container">{lead}<div class="zn-body__read-all">{rest}</div>'
        '<div class="url">https://news.example/2019/11/18/story/index.html</div>'
        "<div>Close</div></div>"
    )
    paragraphs = inline("<title>Story</title>", body).body.split("\n\n")
    assert len(paragraphs) == 8
    assert paragraphs[0].startswith("Lead point 1")
    assert paragraphs[-1].startswith("Later point 5")


def test_utf8_page_labelled_latin1_is_read_as_utf8() -> None:
    data = '<meta charset="iso-8859-1"><title>Café</title><p>Crème brûlée</p>'.encode()
    article = parse_html(data, path="mislabelled.html", doc_id="mislabelled.html")
    assert article.title == "Café"
    assert article.body == "Crème brûlée"


def test_article_chunks_around_ad_rails_are_joined() -> None:
    sentence = "Engineers tested the new turbine, which ran for a week, and reported results. "
    chunk = '<div class="grid"><div class="article__body"><p>{}</p><p>{}</p></div>'
    chunk += '<div class="ad-rail"><p>Advertisement: buy a turbine today.</p></div></div>'
    first = chunk.format("First part. " + sentence * 4, "Second part. " + sentence * 3)
    second = chunk.format("Third part. " + sentence * 2, "Fourth part. " + sentence)
    teaser = '<div class="grid"><a href="/x">Next story</a></div>'
    body = f'<div class="chunks">{first}{teaser}{second}</div>'
    paragraphs = inline("<title>Turbines</title>", body).body.split("\n\n")
    assert [p.split(".")[0] for p in paragraphs] == [
        "First part",
        "Second part",
        "Third part",
        "Fourth part",
    ]


def test_lead_paragraph_outside_a_wrapper_is_kept() -> None:
    sentence = "The council met on Monday, discussed the budget, and agreed a plan. "
    body = (
        '<div class="content"><div class="block"><div class="text"><p>Lead. '
        + sentence * 2
        + '</p></div></div><div class="block"><div class="text"><p>'
        + sentence * 5
        + "</p><p>"
        + sentence * 5
        + "</p></div></div></div>"
    )
    paragraphs = inline("<title>Council</title>", body).body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Lead.")


def test_datelines_labels_and_contacts_are_dropped_but_attributions_kept() -> None:
    sentence = "The river rose by two metres overnight, officials said, and roads were closed. "
    lines = [
        "UPDATED: Tue., Nov. 19, 2019",
        "5:45 AM PST 11/19/2019 by Pat Lee",
        "1 of 6",
        "Sharing is caring!",
        "reporter@news.example",
        "twitter.com/reporter",
        sentence * 3,
        "— River Watch (@riverwatch) November 18, 2019",
        sentence * 2,
    ]
    body = "<article>" + "".join(f"<p>{line}</p>" for line in lines) + "</article>"
    paragraphs = inline("<title>Flood</title>", body).body.split("\n\n")
    assert paragraphs == [
        (sentence * 3).strip(),
        "— River Watch (@riverwatch) November 18, 2019",
        (sentence * 2).strip(),
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_with_byte_order_mark(encoding: str) -> None:
    page_text = "\ufeff<title>Köln</title><p>Grüße aus Köln, a paragraph of text.</p>"
    article = parse_html(page_text.encode(encoding), path="wide.html", doc_id="wide.html")
    assert article.title == "Köln"
    assert article.body == "Grüße aus Köln, a paragraph of text."


def test_embedded_posts_are_kept_and_hover_cards_dropped() -> None:
    sentence = "The senator spoke at length about the budget, taxes, and the coming vote. "
    body = (
        '<div class="entry-content">'
        f"<p>{sentence * 2}Rep. Jane Roe"
        '<span class="rollover-people-block"><a href="/x">Roe backs new budget plan</a></span>'
        f" agreed.</p><p>{sentence * 3}</p>"
        '<div class="social-media-embed"><blockquote class="twitter-tweet">'
        "<p>We will vote no on this budget, and here is why.</p>"
        "— Jane Roe (@janeroe) November 18, 2019</blockquote></div>"
        f"<p>{sentence * 2}</p></div>"
    )
    paragraphs = inline("<title>Budget</title>", body).body.split("\n\n")
    assert paragraphs[0].endswith("Rep. Jane Roe agreed.")
    assert "We will vote no on this budget, and here is why." in paragraphs
    assert "— Jane Roe (@janeroe) November 18, 2019" in paragraphs


def test_pages_are_indexed_and_found(tmp_path: Path) -> None:
    from searcher import open_index

    index = open_index(tmp_path / "index", create=True)
    report = index.update(PAGES)
    assert report.added == len(list(PAGES.glob("*.html")))
    assert report.skipped == ()
    [hit, *_] = index.search("harbour bridge", limit=3)
    assert hit.id == "html/jsonld_article.html"
    assert hit.byline == "Mara Quinn, Tomás Ruiz"
    assert hit.url == "https://herald.example/news/bridge-reopens"


_MARKUP = st.lists(
    st.sampled_from(
        [
            "<p>", "</p>", "<div class='share'>", "<div class='article-body'>", "</div>",
            "<a href='x'>", "</a>", "<br>", "<!--", "-->", "<table><td>", "&amp;", "<",
            "<script type='application/ld+json'>", '{"@type": "NewsArticle", "author": [',
            "</script>", "<time datetime='2019-02-30'>", "<title>", "Words, and more. ",
        ]
    ),
    max_size=60,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=3000), _MARKUP.map(str.encode)))
def test_any_bytes_are_read_or_refused_with_an_ingest_error(data: bytes) -> None:
    try:
        article = parse_html(data, path="any.html", doc_id="any.html")
    except IngestError as exc:
        assert str(exc).startswith("any.html: ")
        assert "\n" not in str(exc)
    else:
        assert article.title or article.body


def test_a_parsed_page_leaves_no_tree_behind_without_the_cyclic_collector() -> None:
    """Indexing workers run with gc off: each page's tree must go with reference counting."""
    html = b"<html><head><title>T</title></head><body>" + b"<div><p>Some words here.</p></div>" * 50
    gc.collect()
    gc.disable()
    try:
        before = sum(isinstance(o, Tag) for o in gc.get_objects())
        for n in range(20):
            parse_html(html + b"</body></html>", path="page.html", doc_id=f"page{n}")
            fragment_text("<p>One &amp; <b>two</b></p><p>Three</p>")
        assert sum(isinstance(o, Tag) for o in gc.get_objects()) == before
    finally:
        gc.enable()
