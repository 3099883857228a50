"""The site in a real browser: Playwright driving Debian's Chromium.

One browser serves the session; each test gets a fresh context (cookies,
JavaScript setting) and fails on any console error or page error. The
screenshots of the search and article pages go to ``artifacts/screenshots/``
(git-ignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.conftest import SEED_ID
from tests.web.conftest import ARTIFACTS, Server, hostile_articles

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


class Watched:
    """A page, and the console errors, page errors and dialogs seen on it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: self.problems.append(f"dialog: {d.message}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":  # left behind by the next navigation
            self.problems.append(f"request failed: {request.url} {request.failure}")


def open_page(browser: Any, server: Server, *, javascript: bool = True) -> Iterator[Watched]:
    context = browser.new_context(
        base_url=server.url, java_script_enabled=javascript, viewport={"width": 1200, "height": 900}
    )
    context.set_default_timeout(10_000)
    watched = Watched(context.new_page())
    yield watched
    context.close()
    assert watched.problems == []


@pytest.fixture
def web(browser: Any, site: Server) -> Iterator[Watched]:
    yield from open_page(browser, site)


def params(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def hit_ids(page: Any) -> list[str]:
    hrefs = page.locator("li.hit h2 a").evaluate_all("links => links.map(a => a.pathname)")
    return [h.removeprefix("/article/") for h in hrefs]


def test_a_typed_search_shows_the_seed_first_with_its_words_marked(web: Watched) -> None:
    page = web.page
    page.goto("/")
    page.fill("#q", "legal immunity")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=legal+immunity")
    assert hit_ids(page)[0] == SEED_ID
    marks = page.locator("li.hit").first.locator("mark").all_inner_texts()
    assert {"legal", "immunity"} <= {m.lower() for m in marks}
    assert page.locator("svg.timeline a.bar").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)


def test_a_source_facet_narrows_the_hits(web: Watched) -> None:
    page = web.page
    page.goto("/search?q=legal+immunity")
    before = len(hit_ids(page))
    page.locator("#facet-source a", has_text="Reuters").click()
    page.wait_for_url("**source=Reuters**")
    after = page.locator("li.hit .meta").all_inner_texts()
    assert 0 < len(after) < before
    assert all("Reuters" in meta for meta in after)


def test_a_timeline_bar_narrows_the_dates(web: Watched) -> None:
    page = web.page
    page.goto("/search?q=cocoa+immunity")
    before = len(hit_ids(page))
    page.locator("svg.timeline a.bar").first.click()
    page.wait_for_url("**since=**")
    chosen = params(page)
    assert chosen["since"] == chosen["until"] == ["1987"]
    metas = page.locator("li.hit .meta").all_inner_texts()
    assert 0 < len(metas) < before and all("1987" in m for m in metas)
    assert "since: 1987" in page.inner_text(".narrowed")


def test_a_day_bar_narrows_to_its_day(web: Watched) -> None:
    page = web.page
    page.goto("/search?q=legal+immunity")
    page.locator("svg.timeline a.bar", has_text="2011-10-17").click()
    page.wait_for_url("**since=**")
    assert params(page)["since"] == params(page)["until"] == ["2011-10-17"]
    assert hit_ids(page) == [SEED_ID]


def test_a_week_bar_narrows_to_its_week(browser: Any, hostile_site: Server) -> None:
    for watched in open_page(browser, hostile_site):
        page = watched.page
        page.goto("/search?q=hostile&all=1")  # five months: a bar a week
        before = len(hit_ids(page))
        page.locator("svg.timeline a.bar").last.click()
        page.wait_for_url("**since=**")
        assert params(page)["since"] == ["2020-04-27"] and params(page)["until"] == ["2020-05-03"]
        assert 0 < len(hit_ids(page)) < before
        assert "since: 2020-04-27" in page.inner_text(".narrowed")


def test_an_article_and_its_more_like_this(web: Watched) -> None:
    page = web.page
    page.goto("/search?q=legal+immunity")
    page.locator("li.hit h2 a").first.click()
    page.wait_for_url(f"**/article/{SEED_ID}?q=legal%20immunity")
    assert page.inner_text("h1") == "US-Iraq talks hit snag over immunity for troops"
    assert page.locator(".body mark").count() >= 4
    page.screenshot(path=str(SCREENSHOTS / "article.png"), full_page=True)
    similar = page.locator(".similar li a").first
    title = similar.inner_text()
    similar.click()
    page.wait_for_load_state()
    assert page.inner_text("h1") == title
    assert SEED_ID not in page.url


def test_the_site_works_with_javascript_off(browser: Any, site: Server) -> None:
    for watched in open_page(browser, site, javascript=False):
        page = watched.page
        page.goto("/")
        page.fill("#q", "legal immunity")
        page.press("#q", "Enter")
        page.wait_for_url("**/search?q=legal+immunity")
        assert len(hit_ids(page)) == 3
        page.click("summary:has-text('Filters and order')")
        page.select_option("select[name=sort]", "oldest")
        page.click("button:has-text('Apply')")
        page.wait_for_url("**sort=oldest**")
        dates = page.locator("li.hit .meta").all_inner_texts()
        assert "2011-10-12 14:05" in dates[0] and "2011-10-21" in dates[-1]
        page.locator("#facet-source a", has_text="AFP").click()
        page.wait_for_url("**source=AFP**")
        assert page.locator("li.hit").count() == 2


def test_keyboard_alone_reaches_the_box_the_hits_and_the_facets(web: Watched) -> None:
    page = web.page
    page.goto("/")

    def tab_until(check: str, most: int = 60) -> None:
        for _ in range(most):
            page.keyboard.press("Tab")
            if page.evaluate(check):
                return
        raise AssertionError(f"Tab never reached {check}")

    tab_until("document.activeElement.id === 'q'")
    page.keyboard.type("legal immunity")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=legal+immunity")
    tab_until("document.activeElement.closest('li.hit h2') !== null")
    tab_until("document.activeElement.closest('#facet-source') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**source=**")
    page.goto("/search?q=legal+immunity")
    tab_until("document.activeElement.closest('li.hit h2') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/article/**")
    assert page.inner_text("h1")


def test_no_console_errors_on_any_page(web: Watched) -> None:
    for path in [
        "/",
        "/search?q=legal+immunity",
        "/search?q=legl+imunity",
        f"/article/{SEED_ID}?q=immunity",
        "/stats",
    ]:
        web.page.goto(path)
    assert web.problems == []
    web.page.goto("/no/such/page")  # the 404 itself is logged, and nothing else
    assert len(web.problems) == 1 and "404" in web.problems.pop()


def test_a_hostile_corpus_is_inert_in_the_dom(browser: Any, hostile_site: Server) -> None:
    ids = [a.id for a in hostile_articles()]
    paths = ["/search?q=hostile&all=1", *(f"/article/{quote(i)}?q=hostile" for i in ids)]
    for watched in open_page(browser, hostile_site):
        page = watched.page
        for path in paths:
            page.goto(path)
            found = page.evaluate(
                """() => ({
                    pwned: window.__pwned === undefined ? null : window.__pwned,
                    scripts: [...document.scripts].map(s => s.getAttribute('src')),
                    handlers: [...document.querySelectorAll('*')].flatMap(e =>
                        [...e.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
                    bad: [...document.querySelectorAll('[href],[src]')].map(e =>
                        (e.getAttribute('href') || e.getAttribute('src')).trim().toLowerCase())
                        .filter(u => u.startsWith('javascript:') || u.startsWith('data:')),
                    foreign: [...document.querySelectorAll('img,iframe,object,embed,style')].length,
                })"""
            )
            assert found == {
                "pwned": None,
                "scripts": ["/static/search.js"],
                "handlers": [],
                "bad": [],
                "foreign": 0,
            }, path
            for element in page.locator("li.hit h2 a, h1").all():
                element.hover()
        page.goto(paths[0])
        assert "<script>" in page.inner_text("li.hit h2")
        assert page.evaluate("window.__pwned === undefined")
