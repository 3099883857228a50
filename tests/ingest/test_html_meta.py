"""Metadata from hand-written pages: JSON-LD (graphs, placeholders, bad or deep
blocks, the article body), microdata and the byline element, and what is not a byline."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from searcher.ingest.html_meta import json_ld_article
from tests.ingest.pages import PARAGRAPH, inline, page


def test_invalid_json_ld_falls_back_to_meta(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="searcher.ingest.html_meta"):
        article = page("invalid_jsonld.html")
    assert "not valid JSON" in caplog.text
    assert article.title == "Bakery wins national prize"
    assert article.byline == "Priya Shah"
    assert article.date == datetime(2022, 5, 6)
    assert article.body.startswith("A small family bakery")


def test_json_ld_article_skips_other_types() -> None:
    blocks = [
        '{"@type": "BreadcrumbList"}',
        '[{"@type": ["Thing", "ReportageNewsArticle"], "x": 1}]',
    ]
    assert json_ld_article(blocks) == {"@type": ["Thing", "ReportageNewsArticle"], "x": 1}
    assert json_ld_article(["{not json"]) == {}


def test_json_ld_graph_author_reference_and_trailing_comma() -> None:
    block = """<script type="application/ld+json">{"@graph": [
      {"@type": "WebPage", "datePublished": "2018-09-10T16:25:36-05:00",
       "author": {"@id": "#writer"},},
      {"@type": ["Person"], "@id": "#writer", "name": "Catherine Hollis"},
    ]}</script>"""
    article = inline(block, PARAGRAPH)
    assert article.byline == "Catherine Hollis"
    assert article.date == datetime(2018, 9, 10, 21, 25, 36)


def test_placeholder_json_ld_date_gives_way_to_time_element() -> None:
    block = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {},'
    block += ' "datePublished": "0001-01-01T00:00:00Z"}</script>'
    article = inline(block, '<time datetime="2019-11-18">Nov 18</time>' + PARAGRAPH)
    assert article.date == datetime(2019, 11, 18)
    assert article.byline == ""


def test_microdata_date_and_byline_element_text() -> None:
    body = (
        '<div class="byline">Jeff Foust Monday, November 18, 2019</div>'
        '<span itemprop="datePublished">Fri 6:45 PM, Feb 16, 2018</span>' + PARAGRAPH
    )
    article = inline("<title>Launch delayed</title>", body)
    assert article.byline == "Jeff Foust"
    assert article.date == datetime(2018, 2, 16)


def test_author_urls_and_handles_are_not_bylines() -> None:
    head = (
        '<meta property="article:author" content="https://www.facebook.com/someone">'
        '<meta name="twitter:creator" content="@someone">'
        '<meta name="sailthru.author" content="Ana Lima">'
    )
    assert inline(head, PARAGRAPH).byline == "Ana Lima"


def test_comment_form_name_field_is_not_a_byline() -> None:
    body = (
        PARAGRAPH
        + '<form><div class="comment-form-author"><label>Name (required)</label></div></form>'
    )
    assert inline("<title>Rain expected</title>", body).byline == ""


def test_deeply_nested_json_ld_does_not_crash() -> None:
    nested = "[" * 900 + '"x"' + "]" * 900
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        f'"headline": {nested}, "author": {nested}}}</script>'
        '<script type="application/ld+json">' + "[" * 100_000 + "</script>"
        "<title>Fallback title</title>"
    )
    article = inline(head, PARAGRAPH)
    assert article.title == "Fallback title"
    assert article.byline == ""
    assert article.body.startswith("A sentence about the harbour")


def test_json_ld_article_body_stands_in_for_a_hidden_text() -> None:
    text = "The full story of the flood, told in many plain words for the record. " * 8
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Flood",'
        f' "articleBody": "{text}"}}</script>'
    )
    article = inline(
        head, "<article><p>Subscribers only: the full story of the flood.</p></article>"
    )
    assert article.body == text.strip()
    shown = inline(head, f"<article><p>{text}</p></article>")
    assert shown.body == text.strip()
