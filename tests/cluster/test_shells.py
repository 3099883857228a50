"""`searcher serve` and `searcher eval` on a sharded index answer as on one index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import searcher
from tests.web.conftest import running_server

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def pair(plain_and_four: tuple[Path, Path]) -> tuple[Path, Path]:
    return plain_and_four


def test_serve_answers_from_the_shards(pair: tuple[Path, Path]) -> None:
    plain, sharded = pair
    with searcher.open_index(plain) as ix:
        expected = ix.search("prices", facets="source", histogram="month")
        article = ix.get(expected.hits[0].id)
        articles = len(ix)
    with running_server(sharded) as server:
        found = server.get("/api/search", params={"q": "prices", "facets": "source"}).json()
        assert [hit["id"] for hit in found["hits"]] == [hit.id for hit in expected.hits]
        assert found["total"] == expected.total
        shown = server.get(f"/api/article/{article.id}").json()
        assert shown["title"] == article.title
        kin = server.get(f"/api/similar/{article.id}").json()
        assert kin["hits"] and article.id not in {hit["id"] for hit in kin["hits"]}
        with searcher.open_index(plain) as ix:
            assert [hit["id"] for hit in kin["hits"]] == [h.id for h in ix.similar(article.id).hits]
        assert server.get("/api/stats").json()["articles"] == articles
        assert server.get("/", params={"q": "prices"}).status_code == 200


#: Searches whose hits, facets and timeline the search page and the API show
#: (exactly tied scores too: ties are listed by id, in one index as across shards).
SEARCHES = [
    {"q": "legal immunity"},
    {"q": "said", "limit": "5", "page": "2"},
    {"q": "said", "sort": "newest", "all": "1"},
    {"q": "prices OR cocoa", "facet_limit": "2"},
    {"q": "iraq", "since": "2011-10", "until": "2011-10", "source": "AFP"},
    {"q": "said", "source": "Reuters"},  # shard-000 holds none: no note that none has
    {"q": "harbour", "facets": "byline,month"},
    {"q": '"legal immunity" NOT cocoa'},
]
#: Searches that find nothing, with the note saying which filter emptied them.
EMPTIED = [{"q": "cocoa", "source": "reuter"}, {"q": "prices", "byline": "smith"}]


def test_the_search_page_and_api_of_shards_are_those_of_one_index(
    pair: tuple[Path, Path],
) -> None:
    plain, sharded = pair
    with running_server(plain) as one, running_server(sharded) as four:
        for params in SEARCHES:
            expected = one.get("/api/search", params=params).json()
            found = four.get("/api/search", params=params).json()
            assert found == expected, params
            assert expected["hits"] and expected["timeline"]["buckets"], params
            page = {k: v for k, v in params.items() if not k.startswith("facet")}
            assert four.get("/search", params=page).text == one.get("/search", params=page).text
        for params in EMPTIED:
            expected = one.get("/api/search", params=params).json()
            assert expected["total"] == 0 and expected["notes"], params
            assert four.get("/api/search", params=params).json() == expected, params
            assert four.get("/search", params=params).text == one.get("/search", params=params).text
        some = one.get("/api/search", params={"q": "cocoa"}).json()["hits"][0]["id"]
        assert four.get(f"/article/{some}").text == one.get(f"/article/{some}").text
        filtered = {"source": "Reuters"}  # filters alone: listed newest first
        assert four.get("/search", params=filtered).text == one.get("/search", params=filtered).text
        # /stats and the home page list sources, sections and keywords
        stats, shards = one.get("/api/stats").json(), four.get("/api/stats").json()
        for name in ("articles", "files", "first_date", "last_date", "sources", "sections",
                     "keywords"):  # fmt: skip
            assert shards[name] == stats[name], name
        assert stats["sections"] and len(stats["sources"]) == 5
        assert four.get("/").text == one.get("/").text


def test_eval_scores_a_sharded_index_as_one(pair: tuple[Path, Path], tmp_path: Path) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text("1\tcocoa prices\n2\tiraq immunity\n", encoding="utf-8")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text(
        "1 0 corpus/world/cocoa-harvest.txt 1\n2 0 2011-10-21_iraq-withdrawal 1\n",
        encoding="utf-8",
    )

    options = ["--queries", str(queries), "--qrels", str(qrels)]

    def evaluated(index: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "searcher"), "--index", str(index), "eval", *options],
            capture_output=True,
            text=True,
            timeout=120,
        )

    plain, sharded = (evaluated(index) for index in pair)
    assert sharded.returncode == plain.returncode == 0, sharded.stderr
    assert sharded.stdout == plain.stdout and "MAP" in sharded.stdout
