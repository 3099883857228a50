"""A hostile corpus renders inert: the HTML as sent (the browser tests check the DOM)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from tests.web.conftest import HOSTILE_URLS, PWN, Server, hostile_articles


def soup_of(server: Server, path: str) -> BeautifulSoup:
    response = server.get(path)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def pages(hostile_site: Server) -> list[str]:
    ids = [article.id for article in hostile_articles()]
    return ["/search?q=hostile&all=1", *(f"/article/{quote(i)}?q=hostile" for i in ids)]


def test_no_markup_from_an_article_reaches_a_page(hostile_site: Server) -> None:
    for path in pages(hostile_site):
        soup = soup_of(hostile_site, path)
        scripts = [s.get("src") for s in soup.find_all("script")]
        assert scripts == ["/static/search.js"], path
        assert not soup.find_all(["img", "iframe", "style", "i", "b"]), path
        assert soup.select("svg") == soup.select("svg.timeline"), path
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (path, tag)
            href = (tag.get("href") or "").strip().lower()
            assert not href.startswith(("javascript:", "data:", "//")), (path, tag)
        assert f"<script>{PWN}</script>" in soup.get_text(), path  # shown as text


def test_controls_and_bidi_overrides_are_shown_as_escapes(hostile_site: Server) -> None:
    html = hostile_site.get("/search?q=hostile").text
    for raw in ("\x1b", "\x07", "\u202e", "\u202c", "\u2028", "\x00"):
        assert raw not in html
    assert "\\x1b[31mred\\x07" in html and "\\u202eBidi\\u202c" in html


@pytest.mark.parametrize("number", range(len(HOSTILE_URLS)))
def test_only_http_urls_become_links(hostile_site: Server, number: int) -> None:
    article = hostile_articles()[number]
    soup = soup_of(hostile_site, f"/article/{quote(article.id)}")
    shown = soup.select_one("dl.facts").get_text()
    assert article.url.strip() in shown or article.url in shown
    links = [a["href"] for a in soup.select("dl.facts a")]
    assert links == ([article.url] if article.url.startswith("https:") else [])
