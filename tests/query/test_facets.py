"""Facets, filters, sorting and paging on a corpus whose counts are known."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli

# (source, date, byline, keywords) of articles that all mention "harbour";
# each body is different so none collapses into another.
LAYOUT = [
    ("AFP", datetime(2011, 10, 3, 8, 0), "Dan De Luce, AFP", ("world",)),
    ("AFP", datetime(2011, 10, 17), "Dan De Luce, AFP", ("world", "politics")),
    ("AFP", datetime(2011, 11, 1), "Jean Martin, AFP", ("business",)),
    ("Reuters", datetime(2011, 10, 31, 23, 59), "Maria Alvarez, Reuters", ("politics",)),
    ("Reuters", datetime(2011, 11, 30), "Maria Alvarez, Reuters", ("business",)),
    ("Reuters", datetime(2011, 12, 1), "Ann Lee, Reuters", ()),
    ("", None, "", ()),
]


def _body(n: int) -> str:
    words = " ".join(f"detail{n}x{i}" for i in range(30))
    return f"The harbour story number {n} says {words}."


@pytest.fixture
def known(index_env: Path) -> Iterator[searcher.Index]:
    articles = [
        searcher.Article(
            id=f"a{n}",
            path=f"a{n}.txt",
            title=f"Harbour report {n}",
            body=_body(n),
            source=source,
            date=date,
            byline=byline,
            keywords=keywords,
        )
        for n, (source, date, byline, keywords) in enumerate(LAYOUT)
    ]
    articles.append(searcher.Article(id="off", path="off.txt", title="Unrelated", body="Cocoa."))
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(articles)
        yield ix


def test_facets_count_the_whole_matching_set(known: searcher.Index) -> None:
    results = known.search("harbour", limit=1, facets=True)
    assert len(results.hits) == 1
    assert results.total == 7
    assert results.facets == searcher.Facets(
        counts=(
            ("source", (("AFP", 3), ("Reuters", 3), ("", 1))),
            ("month", (("2011-10", 3), ("2011-11", 2), ("2011-12", 1), ("", 1))),
        )
    )


def test_facets_follow_filters(known: searcher.Index) -> None:
    results = known.search("harbour", facets=True, since="2011-10-17", until="2011-11")
    assert results.facets == searcher.Facets(
        counts=(
            ("source", (("AFP", 2), ("Reuters", 2))),
            ("month", (("2011-10", 2), ("2011-11", 2))),
        )
    )
    assert known.search("harbour").facets is None


@pytest.mark.parametrize(
    ("filters", "text", "expected"),
    [
        ({"source": "reuters"}, "harbour", {"a3", "a4", "a5"}),
        ({"byline": "De Luce"}, "harbour", {"a0", "a1"}),
        ({"section": "Politics"}, "harbour", {"a1", "a3"}),
        ({"source": "AFP", "section": "world"}, "harbour", {"a0", "a1"}),
        ({}, "harbour source:afp", {"a0", "a1", "a2"}),
        ({}, "harbour section:business", {"a2", "a4"}),
        ({}, "harbour byline:alvarez date:2011-11", {"a4"}),
    ],
)
def test_filters(
    known: searcher.Index, filters: dict[str, str], text: str, expected: set[str]
) -> None:
    results = known.search(text, filters=filters, limit=20)
    assert {hit.id for hit in results} == expected
    assert results.total == len(expected)


def test_unknown_filter_is_misuse(known: searcher.Index) -> None:
    with pytest.raises(ValueError, match="cannot filter on 'colour'"):
        known.search("harbour", filters={"colour": "red"})


def test_sort_by_date(known: searcher.Index) -> None:
    newest = [hit.id for hit in known.search("harbour", sort="newest", limit=20)]
    assert newest == ["a5", "a4", "a2", "a3", "a1", "a0", "a6"], "undated last"
    oldest = [hit.id for hit in known.search("harbour", sort="oldest", limit=20)]
    assert oldest == ["a0", "a1", "a3", "a2", "a4", "a5", "a6"], "undated last"
    with pytest.raises(ValueError, match="sort"):
        known.search("harbour", sort="random")


def test_pages_do_not_overlap(known: searcher.Index) -> None:
    pages = [known.search("harbour", limit=3, page=p, sort="newest") for p in (1, 2, 3, 4)]
    ids = [hit.id for page in pages for hit in page]
    assert len(ids) == len(set(ids)) == 7
    assert [len(page) for page in pages] == [3, 3, 1, 0]
    assert pages[1].page == 2
    assert [hit.rank for hit in pages[1]] == [4, 5, 6]


def test_cli_facets_text_and_json(runner: CliRunner, known: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "harbour", "--facets", "-n", "2"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Sources:\n       3  AFP\n       3  Reuters\n       1  (unknown)\n" in result.stdout
    assert (
        "Months:\n       3  2011-10\n       2  2011-11\n       1  2011-12\n       1  (undated)"
        in (result.stdout)
    )
    result = runner.invoke(cli, ["query", "harbour", "--facets", "--format", "jsonl", "-n", "2"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[-1] == {
        "facets": {
            "source": [
                {"value": "AFP", "count": 3},
                {"value": "Reuters", "count": 3},
                {"value": None, "count": 1},
            ],
            "month": [
                {"value": "2011-10", "count": 3},
                {"value": "2011-11", "count": 2},
                {"value": "2011-12", "count": 1},
                {"value": None, "count": 1},
            ],
        }
    }


def test_cli_filters_sort_page_explain(runner: CliRunner, known: searcher.Index) -> None:
    args = ["query", "harbour", "--format", "jsonl", "--sort", "newest", "-n", "2", "--page", "2"]
    result = runner.invoke(cli, [*args, "--source", "Reuters", "--explain"])
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a3"]
    assert "Parsed query: (title:harbour OR body:harbour) FILTER source:reuters" in result.stderr
    result = runner.invoke(cli, ["query", "harbour", "--section", "business", "--byline", "lee"])
    assert result.exit_code == 1
    assert "No articles match 'harbour'." in result.stderr
    result = runner.invoke(cli, ["query", "harbour", "--page", "2", "-n", "3"])
    assert "4-6 of 7 matching articles." in result.stderr


def test_filter_matching_nothing_counts_nothing(known: searcher.Index) -> None:
    # Whoosh counts every match when the filter set is empty; we must not.
    results = known.search("harbour", filters={"source": "nobody"}, facets=True)
    assert (results.total, results.hits) == (0, ())
    assert results.facets == searcher.Facets(counts=(("source", ()), ("month", ())))
    assert known.search("harbour", until="1999").total == 0


def test_cli_page_past_the_end(runner: CliRunner, known: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "harbour", "--page", "9"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Page 9 is past the last of 7 matching articles." in result.stderr


# Dated and undated articles mentioning "zebra", in every arrangement of segments:
# a segment holding only undated articles has no month, date or source column.
MIXED = {
    "d1": (datetime(2011, 10, 17), "AFP"),
    "d2": (datetime(2011, 11, 2), "AFP"),
    "u1": (None, ""),
    "u2": (None, ""),
}
ARRANGEMENTS = {
    "one segment": [["d1", "u1", "d2", "u2"]],
    "dated segment first": [["d1", "d2"], ["u1", "u2"]],
    "undated segment first": [["u1", "u2"], ["d1", "d2"]],
    "undated segment between": [["d1"], ["u1", "u2"], ["d2"]],
    "one article a segment": [["u1"], ["d2"], ["u2"], ["d1"]],
}


def _zebra(article_id: str) -> searcher.Article:
    date, source = MIXED[article_id]
    return searcher.Article(
        id=article_id,
        path=f"{article_id}.txt",
        title=f"Zebra {article_id}",
        body=_body(list(MIXED).index(article_id)).replace("harbour", "zebra"),
        source=source,
        date=date,
    )


@pytest.mark.parametrize("batches", ARRANGEMENTS.values(), ids=ARRANGEMENTS.keys())
def test_facets_and_date_sorts_on_dated_and_undated_segments(
    index_env: Path, batches: list[list[str]]
) -> None:
    with searcher.open_index(index_env, create=True) as ix:
        for batch in batches:
            ix.add([_zebra(article_id) for article_id in batch])
        results = ix.search("zebra", facets=True)
        assert results.facets == searcher.Facets(
            counts=(
                ("source", (("", 2), ("AFP", 2))),
                ("month", (("2011-10", 1), ("2011-11", 1), ("", 2))),
            )
        )
        newest = [hit.id for hit in ix.search("zebra", sort="newest")]
        assert newest[:2] == ["d2", "d1"]
        assert sorted(newest[2:]) == ["u1", "u2"], "undated last"
        oldest = [hit.id for hit in ix.search("zebra", sort="oldest")]
        assert oldest[:2] == ["d1", "d2"]
        assert sorted(oldest[2:]) == ["u1", "u2"], "undated last"
        assert ix.search("zebra", facets=True, since="2011-11").facets == searcher.Facets(
            counts=(("source", (("AFP", 1),)), ("month", (("2011-11", 1),)))
        )


@pytest.mark.parametrize("runs", [["corpus"], ["corpus/a.json", "corpus/b.txt"]])
def test_cli_facets_and_sorts_on_dated_and_undated_files(
    runner: CliRunner, tmp_path: Path, runs: list[str]
) -> None:
    """One `index` run of both files (one segment with --jobs 1), or one run per file."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.json").write_text(
        '{"headline":"Zebra dated","publishedAt":"2011-10-17","content":"zebra story one"}'
    )
    (corpus / "b.txt").write_text("Zebra undated\n\nzebra story two.\n")
    for run in runs:
        result = runner.invoke(cli, ["index", "--jobs", "1", str(tmp_path / run)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["query", "zebra", "--facets", "--format", "jsonl"], catch_exceptions=False
    )
    assert result.exit_code == 0
    facets = json.loads(result.stdout.splitlines()[-1])["facets"]
    assert facets["month"] == [{"value": "2011-10", "count": 1}, {"value": None, "count": 1}]
    for sort in ("newest", "oldest"):
        result = runner.invoke(cli, ["query", "zebra", "--sort", sort, "--format", "jsonl"])
        assert result.exit_code == 0, result.output
        ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
        assert [i.split("/")[-1] for i in ids] == ["a.json#1", "b.txt"], "undated last"


def test_facets_on_bylines_keywords_and_labels(index_env: Path) -> None:
    labelled = [
        searcher.Article(
            id=f"r{n}",
            path="wire.sgm",
            title=f"Cocoa report {n}",
            body=_body(n),
            byline=byline,
            keywords=tuple(value for _, value in labels),
            labels=labels,
        )
        for n, (byline, labels) in enumerate(
            [
                ("Ann Lee", (("topics", "cocoa"), ("places", "ghana"), ("section", "markets"))),
                ("Ann Lee", (("topics", "cocoa"), ("places", "brazil"), ("places", "ghana"))),
                ("", (("topics", "coffee"), ("section", "markets"))),
            ]
        )
    ]
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(labelled)
        facets = ix.search("report", facets="topics, places,byline,section,keywords").facets
    assert facets is not None
    assert facets.names == ("topics", "places", "byline", "section", "keywords")
    assert facets["topics"] == (("cocoa", 2), ("coffee", 1))
    assert facets["places"] == (("ghana", 2), ("brazil", 1)), "each article counts once a value"
    assert facets["byline"] == (("Ann Lee", 2), ("", 1)), "no byline counts as unknown"
    assert facets["section"] == (("markets", 2),), "articles without a section are not counted"
    assert dict(facets["keywords"])["ghana"] == 2
    assert facets.sources == (), "source was not asked for"


def test_facet_names_take_aliases_and_refuse_unknown_ones(known: searcher.Index) -> None:
    facets = known.search("harbour", facets=["Sections", "author", "years"]).facets
    assert facets is not None
    assert facets.names == ("section", "byline", "year")
    assert facets["year"] == (("2011", 6), ("", 1))
    assert facets["byline"][:2] == (("Dan De Luce, AFP", 2), ("Maria Alvarez, Reuters", 2))
    with pytest.raises(searcher.QueryError, match="'titel' is not a facet: use one or more of"):
        known.search("harbour", facets="titel")


def test_cli_facets_on_named_fields(runner: CliRunner, known: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "harbour", "--facets", "keywords,byline"])
    assert result.exit_code == 0, result.output
    assert "Keywords:\n       2  business\n       2  politics\n       2  world\n" in result.stdout
    assert (
        "Bylines:\n       2  Dan De Luce, AFP\n       2  Maria Alvarez, Reuters\n" in result.stdout
    )
    result = runner.invoke(cli, ["query", "harbour", "--facets", "titel"])
    assert result.exit_code != 0
    assert "'titel' is not a facet" in result.output
    assert "Traceback" not in result.output


def test_shards_facets_add_up_in_the_order_of_one_index() -> None:
    from searcher.query.facets import merge_facets

    one = searcher.Facets(
        counts=(("source", (("AFP", 2), ("BBC", 1))), ("month", (("2011-10", 3),)))
    )
    other = searcher.Facets(
        counts=(("source", (("BBC", 2), ("", 1))), ("month", (("2011-09", 1), ("", 2))))
    )
    merged = merge_facets([one, other])
    assert merged["source"] == (("BBC", 3), ("AFP", 2), ("", 1))
    assert merged["month"] == (("2011-09", 1), ("2011-10", 3), ("", 2))
    assert merge_facets([]) == searcher.Facets()
