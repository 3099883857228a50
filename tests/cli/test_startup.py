"""A query process imports only what a query needs: never the stemmer when its
words were met while indexing, never numpy, the HTML parsers or the indexing engine."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import searcher
from searcher import analysis
from searcher.store import StemTable
from tests.conftest import REPO

PROBE = """
import sys, searcher
from searcher.analysis import stems
with searcher.open_index(sys.argv[1]) as ix:
    hits = [h.id for h in ix.search(sys.argv[2])]
print(hits, stems.stemmer_loaded() or "nltk" in sys.modules)
"""


def _query(index_dir: Path, text: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(index_dir), text],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.strip()


def test_query_of_known_words_skips_nltk(tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Harbour talks\n\nThe harbours were closed in 1987.\n")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(corpus, jobs=1)
    with sqlite3.connect(tmp_path / "ix" / "manifest.sqlite3") as con:
        assert con.execute("select stem from stems where word = 'harbours'").fetchone() == (
            "harbour",
        )
        # Numbers are not in the table: they need no stemmer.
        assert con.execute("select count(*) from stems where word = '1987'").fetchone() == (0,)
    con.close()
    assert _query(tmp_path / "ix", "harbours closed") == "['news/a.txt'] False"
    assert _query(tmp_path / "ix", "harbours 1987") == "['news/a.txt'] False"
    # A word never indexed still works: the stemmer is imported for it.
    assert _query(tmp_path / "ix", "zeppelins") == "[] True"


def test_indexing_workers_stem_without_asking_the_stem_table(tmp_path: Path) -> None:
    # A worker meets tens of thousands of words, on a new index none of them in
    # the table: it stems them rather than looking each one up first.
    table = tmp_path / "stems.sqlite3"
    with sqlite3.connect(table) as con:
        con.execute("create table stems (word text primary key, stem text)")
        con.execute("insert into stems values ('zeppelins', 'from-the-table')")
    con.close()
    stem = analysis.SnowballStemFilter().stem
    # What earlier tests left in this process: their indexes' tables, words learnt.
    analysis.forget_stem_tables()
    analysis.forget_learnt_stems()
    analysis.use_stem_table(StemTable(table))
    try:
        assert stem("zeppelins") == "from-the-table"
        analysis.forget_learnt_stems()
        analysis.forget_stem_tables()
        assert stem("zeppelins") == "zeppelin"
    finally:
        analysis.forget_learnt_stems()
        analysis.forget_stem_tables()


CLI_PROBE = """
import sys
from searcher.cli import cli
try:
    cli.main(["--index", sys.argv[1], "query", *sys.argv[2:]], standalone_mode=False)
finally:
    print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""

#: What a `searcher query` process must not import: nltk (its words were met
#: while indexing), numpy (near-duplicate signatures are computed at index
#: time; top-k pruning loads it only for long posting lists), the HTML
#: readers' parsers, and the indexing engine with its segment writer.
NOT_FOR_QUERIES = (
    "nltk",
    "numpy",
    "bs4",
    "lxml",
    "searcher.indexing",
    "searcher.store.segment_writer",
    "searcher.store.termwriter",
)


def test_a_query_process_imports_no_indexing_engine(built_index: searcher.Index) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", CLI_PROBE, str(built_index.path), "legal immunity", "--facets"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert "US-Iraq talks hit snag over immunity for troops" in done.stdout
    imported = done.stderr.strip().splitlines()[-1].split()
    assert "searcher.query" in imported and "searcher.store.postings" in imported
    unwanted = [m for m in imported if m.startswith(NOT_FOR_QUERIES)]
    assert unwanted == []


def test_only_the_latest_stem_tables_are_asked(tmp_path: Path) -> None:
    # A process that opens index after index asks only the latest few for a new word.
    analysis.forget_stem_tables()
    tables = [StemTable(tmp_path / f"{n}.sqlite3") for n in range(10)]
    try:
        for table in tables:
            analysis.use_stem_table(table)
        analysis.use_stem_table(tables[3])  # opened again: asked first
        asked: list[str] = []
        for table in tables:
            table.stem = lambda word, t=table: asked.append(t.path.name) or None  # type: ignore[method-assign]
        analysis.forget_learnt_stems()
        analysis.SnowballStemFilter().stem("zeppelins")
        assert asked == ["3.sqlite3", "9.sqlite3", "8.sqlite3", "7.sqlite3"]
    finally:
        analysis.forget_learnt_stems()
        analysis.forget_stem_tables()
