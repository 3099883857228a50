"""The HTML pages, fetched from a real server and read as HTML."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from bs4 import BeautifulSoup

import searcher
from tests.conftest import SEED_ID
from tests.web.conftest import Server


def page(site: Server, path: str, status: int = 200) -> BeautifulSoup:
    response = site.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def hit_links(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.select("li.hit h2 a")]


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_the_home_page_is_a_search_box(site: Server) -> None:
    soup = page(site, "/")
    box = soup.select_one("form[action='/search'] input[name=q]")
    assert box is not None and box.get("value") == ""
    assert soup.select("li.hit") == []


def test_a_search_shows_the_seed_first_with_its_words_marked(site: Server) -> None:
    soup = page(site, "/search?q=legal+immunity")
    assert soup.select_one("input[name=q]")["value"] == "legal immunity"
    links = hit_links(soup)
    assert links[0] == f"/article/{SEED_ID}?q=legal%20immunity"
    first = soup.select_one("li.hit")
    marked = {m.get_text().lower() for m in first.select(".snippet mark")}
    assert {"legal", "immunity"} <= marked
    assert "Dan De Luce, AFP" in first.select_one(".meta").get_text()
    assert "2011-10-17" in first.select_one(".meta").get_text()
    assert "3 of 3 matching articles" in soup.select_one(".summary").get_text()


def test_facets_count_the_whole_matching_set_and_narrow_it(site: Server) -> None:
    soup = page(site, "/search?q=legal+immunity&limit=1")
    assert len(hit_links(soup)) == 1  # one hit on the page...
    sources = {a.get_text(): a["href"] for a in soup.select("#facet-source a")}
    counts = [int(c.get_text()) for c in soup.select("#facet-source .count")]
    assert sum(counts) == 3  # ...and facets over all three matches
    assert query_of(sources["AFP"])["source"] == ["AFP"]
    narrowed = page(site, sources["AFP"])
    assert hit_links(narrowed) == [f"/article/{SEED_ID}?q=legal%20immunity"]
    assert "source: AFP" in narrowed.select_one(".narrowed").get_text()
    months = {a.get_text(): a["href"] for a in soup.select("#facet-month a")}
    assert query_of(months["2011-10"])["since"] == ["2011-10"]


def test_the_timeline_bars_narrow_the_dates(site: Server) -> None:
    soup = page(site, "/search?q=cocoa+immunity")
    svg = soup.select_one("svg.timeline")
    assert svg is not None and svg.get("role") == "img"
    bars = svg.select("a.bar")
    assert bars, svg
    labels = [t.get_text() for t in svg.select("text.xlabel")]
    assert labels and labels[0] < labels[-1]
    href = bars[-1]["href"]
    key = query_of(href)["since"][0]
    assert query_of(href)["until"] == [key]
    narrowed = page(site, href)
    assert all(key in (meta.get_text()) for meta in narrowed.select("li.hit .meta")), (
        narrowed.select("li.hit .meta")
    )


def test_byline_section_topic_and_place_facets_narrow_the_search(site: Server) -> None:
    soup = page(site, "/search?q=cocoa")
    total = len(hit_links(soup))
    headings = [h.get_text() for h in soup.select("aside.facets h2")]
    assert headings == ["Sources", "Bylines", "Sections", "Topics", "Places", "Months"]
    for facet, value, parameter in [
        ("byline", "Samuel Owusu", "byline"),
        ("section", "wire", "section"),
        ("topics", "cocoa", "topic"),
        ("places", "brazil", "place"),
    ]:
        links = {a.get_text(): a["href"] for a in soup.select(f"#facet-{facet} a")}
        counts = [int(c.get_text()) for c in soup.select(f"#facet-{facet} .count")]
        assert sum(counts) >= 1 and value in links, (facet, links)
        assert query_of(links[value])[parameter] == [value]
        narrowed = page(site, links[value])
        assert 0 < len(hit_links(narrowed)) <= total
        assert f"{parameter}: {value}" in narrowed.select_one(".narrowed").get_text()
        chosen = narrowed.select_one(f"#facet-{facet} strong[aria-current]")
        assert chosen is not None and chosen.get_text() == value
    place = page(site, "/search?q=cocoa&place=brazil")
    titles = [h.get_text() for h in place.select("li.hit h2")]
    assert titles == ["BRAZIL COCOA CROP OUTLOOK IMPROVES"]


def test_a_day_bar_narrows_to_its_day(site: Server) -> None:
    soup = page(site, "/search?q=legal+immunity")
    assert "per day" in soup.select_one("svg.timeline")["aria-label"]
    bars = {b.select_one("title").get_text(): b["href"] for b in soup.select("svg.timeline a.bar")}
    href = bars["2011-10-17: 1 article"]
    assert query_of(href)["since"] == query_of(href)["until"] == ["2011-10-17"]
    assert hit_links(page(site, href)) == [f"/article/{SEED_ID}?q=legal%20immunity"]


def test_a_week_bar_narrows_to_monday_through_sunday(hostile_site: Server) -> None:
    soup = page(hostile_site, "/search?q=hostile&all=1")  # 1 January to 1 May 2020
    assert "per week" in soup.select_one("svg.timeline")["aria-label"]
    bar = soup.select_one("svg.timeline a.bar")
    assert bar.select_one("title").get_text() == "week of 2019-12-30 (2020-W01): 1 article"
    dates = query_of(bar["href"])
    assert dates["since"] == ["2019-12-30"] and dates["until"] == ["2020-01-05"]
    assert len(hit_links(page(hostile_site, bar["href"]))) == 1


def test_pages_of_hits_link_to_each_other(site: Server) -> None:
    soup = page(site, "/search?q=legal+immunity&limit=1&page=2")
    assert soup.select_one("nav.pages [aria-current]").get_text() == "2"
    assert "2–2 of 3" in soup.select_one(".summary").get_text()
    assert query_of(soup.select_one("nav.pages a[rel=next]")["href"])["page"] == ["3"]
    assert "page" not in query_of(soup.select_one("nav.pages a[rel=prev]")["href"])


def test_sorting_by_date(site: Server) -> None:
    newest = page(site, "/search?q=immunity&sort=newest")
    dates = [m.get_text() for m in newest.select("li.hit .meta")]
    assert dates == sorted(dates, key=lambda m: m.split(" · ")[-1], reverse=True)
    assert newest.select_one("select[name=sort] option[selected]")["value"] == "newest"


def test_did_you_mean_is_a_link(site: Server) -> None:
    soup = page(site, "/search?q=legl+imunity")
    link = soup.select_one(".suggestion a")
    assert link.get_text() == "legal immunity"
    assert query_of(link["href"])["q"] == ["legal immunity"]
    assert "No articles match" in soup.select_one(".summary").get_text()


def test_the_article_page_marks_the_query_and_offers_more_like_this(site: Server) -> None:
    soup = page(site, f"/article/{SEED_ID}?q=legal+immunity")
    assert soup.select_one("h1").get_text() == "US-Iraq talks hit snag over immunity for troops"
    assert soup.select_one("h1 mark").get_text() == "immunity"
    marked = [m.get_text().lower() for m in soup.select(".body mark")]
    assert "legal" in marked and "immunity" in marked
    assert "Dan De Luce, AFP" in soup.select_one("dl.facts").get_text()
    similar = soup.select(".similar li.hit a")
    assert similar and all(a["href"].startswith("/article/") for a in similar)
    assert SEED_ID not in [a["href"].split("?")[0][len("/article/") :] for a in similar]


def test_an_article_from_a_file_of_many_has_a_working_link(site: Server) -> None:
    soup = page(site, "/search?q=cocoa+bahia")
    href = hit_links(soup)[0]
    assert "%23" in href  # the '#' of wire/1987-02-wire.sgm#1 is not a fragment
    assert page(site, href).select_one("h1").get_text()


def test_the_stats_page(site: Server) -> None:
    text = page(site, "/stats").select_one("dl.stats").get_text()
    with searcher.open_index(site.index_dir) as ix:
        stats = ix.stats()
    assert f"Articles{stats.articles}" in text and f"Files{stats.files}" in text
    assert stats.first_date is not None and f"{stats.first_date:%Y-%m-%d}" in text


def test_the_stats_page_lists_sources_and_sections_as_links(site: Server) -> None:
    soup = page(site, "/stats")
    links = {a.get_text(): a["href"] for a in soup.select("dl.stats a")}
    assert links["The Coastal Herald"] == "/search?source=The%20Coastal%20Herald"
    assert links["wire"] == "/search?section=wire"
    listed = page(site, links["The Coastal Herald"])
    assert "6 of 6 matching articles" in listed.select_one(".summary").get_text()


def test_error_pages_keep_the_style_and_say_what_is_wrong(site: Server) -> None:
    missing = page(site, "/no/such/page", 404)
    assert missing.select_one("form[action='/search']") is not None
    assert "no page at this address" in missing.get_text()
    bad = page(site, "/search?q=x&since=someday", 400)
    assert "since" in bad.select_one(".error").get_text()
    unknown = page(site, "/article/" + quote("corpus/nope.txt"), 404)
    assert "No article with this id" in unknown.get_text()
    for soup in (missing, bad, unknown):
        assert "Traceback" not in soup.get_text()


def test_an_articles_labels_link_to_every_article_with_them(site: Server) -> None:
    soup = page(site, "/article/" + quote("corpus/wire/1987-02-wire.sgm#1", safe="/"))
    labels = {a.get_text(): a["href"] for a in soup.select("ul.labels a")}
    assert labels == {
        "cocoa": "/search?topic=cocoa",
        "brazil": "/search?place=brazil",
        "wire": "/search?section=wire",
    }
    listed = page(site, labels["cocoa"])  # no words: the filter's articles, newest first
    titles = [h.get_text() for h in listed.select("li.hit h2")]
    assert titles == [
        "Ivory Coast cocoa exports recover after unrest",
        "BRAZIL COCOA CROP OUTLOOK IMPROVES",
    ]
    assert "topic: cocoa" in listed.select_one(".narrowed").get_text()
    assert "No articles match these filters." in page(site, "/search?section=nothing").get_text()
