"""Incremental indexing, the index's own errors, and the library API."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import searcher
from searcher.store import VERSION_FILE
from tests.conftest import SEED_ID


def _ids(ix: searcher.Index, text: str) -> list[str]:
    return [hit.id for hit in ix.search(text, limit=50)]


def test_second_run_over_unchanged_corpus_writes_nothing(
    built_index: searcher.Index, corpus_dir: Path
) -> None:
    count = len(built_index)
    files = sorted(os.listdir(built_index.path))
    report = built_index.update(corpus_dir)
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert report.unchanged > 0
    assert len(built_index) == count
    assert sorted(os.listdir(built_index.path)) == files, "no new segment or TOC"


def test_edited_file_is_the_only_one_reindexed(
    built_index: searcher.Index, corpus_dir: Path
) -> None:
    count = len(built_index)
    seed = corpus_dir / "000_15647181341936f1.txt"
    seed.write_text(seed.read_text() + "\n\nA new closing paragraph about zeppelins.\n")
    report = built_index.update(corpus_dir)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert len(built_index) == count
    assert _ids(built_index, "zeppelins") == [SEED_ID]


def test_touched_but_identical_file_is_not_reindexed(
    built_index: searcher.Index, corpus_dir: Path
) -> None:
    seed = corpus_dir / "000_15647181341936f1.txt"
    os.utime(seed, ns=(1, 1))
    report = built_index.update(corpus_dir)
    assert (report.added, report.updated) == (0, 0)


def test_deleted_file_leaves_the_index(built_index: searcher.Index, corpus_dir: Path) -> None:
    count = len(built_index)
    (corpus_dir / "000_15647181341936f1.txt").unlink()
    report = built_index.update(corpus_dir)
    assert report.removed == 1
    assert len(built_index) == count - 1
    assert SEED_ID not in _ids(built_index, "immunity")


def test_unreadable_file_is_skipped_and_the_rest_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Good headline\n\nGood body about harbours.")
    (corpus / "empty.txt").write_bytes(b"")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        report = ix.update(corpus)
        assert report.added == 1
        assert [Path(s.path).name for s in report.skipped] == ["empty.txt"]
        assert _ids(ix, "harbours") == ["c/good.txt"]


def test_rebuild_starts_over(built_index: searcher.Index, corpus_dir: Path) -> None:
    count = len(built_index)
    report = built_index.update(corpus_dir, rebuild=True)
    assert report.added == count
    assert len(built_index) == count


def test_add_and_get_articles(tmp_path: Path) -> None:
    article = searcher.Article(id="x/1", path="x", title="Zebra crossing", body="Stripes.")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        assert ix.add([article]) == 1
        assert ix.add([article]) == 1, "same id replaces"
        assert len(ix) == 1
        assert ix.get("x/1") == article
        with pytest.raises(searcher.ArticleNotFoundError):
            ix.get("nope")


def test_dates_with_a_time_zone_are_kept_in_utc(tmp_path: Path) -> None:
    east = timezone(timedelta(hours=2))
    article = searcher.Article(
        id="x/1",
        path="x",
        title="Harbour",
        body="The harbour bridge reopened.",
        date=datetime(2020, 1, 1, 1, 30, tzinfo=east),
        crawled=datetime(2020, 1, 2, tzinfo=east),
    )
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.add([article])
        kept = ix.get("x/1")
        assert (kept.date, kept.crawled) == (
            datetime(2019, 12, 31, 23, 30),
            datetime(2020, 1, 1, 22),
        )
        [hit] = ix.search("harbour", since="2019-12-31", until="2019-12-31").hits
        assert hit.date == datetime(2019, 12, 31, 23, 30)


def test_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(searcher.IndexNotFoundError, match="searcher index"):
        searcher.open_index(tmp_path / "none")


def test_missing_corpus_is_an_error(built_index: searcher.Index, tmp_path: Path) -> None:
    with pytest.raises(searcher.IngestError, match="no such file"):
        built_index.update(tmp_path / "nowhere")


def test_other_schema_version_asks_for_a_rebuild(built_index: searcher.Index) -> None:
    (built_index.path / VERSION_FILE).write_text('{"schema_version": "0"}')
    with pytest.raises(searcher.IndexVersionError, match="--rebuild"):
        searcher.open_index(built_index.path)


# Whoosh leaves the damaged TOC file open when it fails to read it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_damaged_index_says_so(built_index: searcher.Index) -> None:
    built_index.close()
    for toc in built_index.path.glob("*.toc"):
        toc.write_bytes(b"\x00garbage")
    with pytest.raises(searcher.IndexCorruptError, match="--rebuild"):
        searcher.open_index(built_index.path)


def test_env_var_chooses_the_index(built_index: searcher.Index) -> None:
    with searcher.open_index() as ix:
        assert ix.path == built_index.path


def test_index_path_moves_with_copy(built_index: searcher.Index, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(built_index.path, copy)
    with searcher.open_index(copy) as ix:
        assert len(ix) == len(built_index)


def test_progress_is_reported_while_workers_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task can be a whole worker's share of the corpus: the bar moves with
    every file read, not only when a task is committed."""
    import time

    from searcher.indexing import pool, worker

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(12):
        (corpus / f"story{n:02d}.txt").write_text(f"Headline {n}\n\nBody of story {n}.\n")
    write = worker.write_articles

    def slow_write(*args: object, **kwargs: object) -> object:
        time.sleep(0.15)  # in the forked workers too
        return write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "write_articles", slow_write)
    monkeypatch.setattr(pool, "PROGRESS_SECONDS", 0.05)
    seen: list[searcher.IndexProgress] = []
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        report = ix.update(corpus, jobs=2, on_progress=seen.append)
    assert report.added == 12
    during = [p for p in seen if 0 < p.files_done < p.files_total]
    assert len({p.files_done for p in during}) >= 3  # several steps within two tasks
    assert [p.bytes_done for p in seen] == sorted(p.bytes_done for p in seen)
    assert seen[-1].files_done == seen[-1].files_total == 12
    assert seen[-1].bytes_done == seen[-1].bytes_total
    assert seen[-1].articles == 12


def test_creating_an_index_in_a_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    with pytest.raises(searcher.FolderNotEmptyError, match=rf"{folder}/.*--force"):
        searcher.open_index(folder, create=True)
    with pytest.raises(searcher.FolderNotEmptyError):
        searcher.reset_index(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.md"], "nothing written"
    with searcher.open_index(folder, create=True, force=True) as ix:
        assert len(ix) == 0
    with searcher.open_index(folder, create=True) as ix:  # now it holds an index
        assert (folder / "notes.md").read_text() == "mine"


def test_an_empty_folder_or_a_placeholder_takes_a_new_index(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / ".gitkeep").write_text("")
    for name in ("empty", "kept", "new"):
        with searcher.open_index(tmp_path / name, create=True) as ix:
            assert len(ix) == 0


def test_a_missing_version_file_never_empties_the_index(
    built_index: searcher.Index, corpus_dir: Path
) -> None:
    count = len(built_index)
    built_index.close()
    (built_index.path / VERSION_FILE).unlink()
    for create in (False, True):
        with pytest.raises(searcher.IndexCorruptError, match=f"{VERSION_FILE}.*--rebuild"):
            searcher.open_index(built_index.path, create=create)
    with searcher.reset_index(built_index.path) as ix:
        report = ix.update(corpus_dir, rebuild=True)
        assert (report.added, report.unchanged, report.articles) == (count, 0, count)


def test_an_index_that_lost_its_tocs_is_filled_again_not_reported_unchanged(
    built_index: searcher.Index, corpus_dir: Path
) -> None:
    count = len(built_index)
    built_index.close()
    for toc in built_index.path.glob("_MAIN_*.toc"):
        toc.unlink()
    with searcher.open_index(built_index.path, create=True) as ix:
        report = ix.update(corpus_dir)
        assert (report.added, report.unchanged, report.articles) == (count, 0, count)
        assert ix.verify(corpus_dir).ok


def test_orphans_are_logged_only_when_there_are_some(
    tmp_path: Path, corpus_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="searcher")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(corpus_dir, jobs=2)
        ix.update(corpus_dir, rebuild=True, jobs=1)
        ix.add([searcher.Article(id="x/1", path="x", title="Zebra crossing", body="Stripes.")])
    assert not [r for r in caplog.records if "orphan" in r.getMessage()]
    (tmp_path / "ix" / "MAIN_0123456789abcdef.seg").write_bytes(b"a killed writer's")
    with searcher.open_index(tmp_path / "ix") as ix:
        ix.update(corpus_dir, jobs=1)
    assert [r.getMessage() for r in caplog.records if "orphan" in r.getMessage()] == [
        "removed 1 orphan files of killed writers"
    ]


def test_articles_iterates_every_stored_article(built_index: searcher.Index) -> None:
    articles = list(built_index.articles())
    assert len(articles) == len(built_index) > 10
    assert len({a.id for a in articles}) == len(built_index)
    assert built_index.get(SEED_ID) in articles


def test_count_is_the_total_of_a_search(built_index: searcher.Index) -> None:
    assert built_index.count("cocoa") == built_index.search("cocoa").total == 3
    assert built_index.count("cocoa", filters={"source": "Reuters"}) == 2
    assert built_index.count("zzyzzx") == 0


def test_matches_yields_every_hit_of_a_search_whole(built_index: searcher.Index) -> None:
    matches = list(built_index.matches("cocoa"))
    hits = built_index.search("cocoa", limit=50, collapse=False).hits
    assert [a.id for a in matches] == [h.id for h in hits]
    assert matches[0] == built_index.get(hits[0].id)
    newest = [a.date for a in built_index.matches("", filters={"source": "Reuters"}, sort="newest")]
    assert len(newest) == built_index.count("", filters={"source": "Reuters"}) > 1
    assert newest == sorted(newest, reverse=True)
    assert list(built_index.matches("zzyzzx")) == []
    with pytest.raises(searcher.QueryError, match="Empty query"):
        list(built_index.matches("  "))


def test_delete_removes_one_article_for_good(built_index: searcher.Index, corpus_dir: Path) -> None:
    before = len(built_index)
    built_index.delete(SEED_ID)
    assert len(built_index) == before - 1
    with pytest.raises(searcher.ArticleNotFoundError):
        built_index.get(SEED_ID)
    with pytest.raises(searcher.ArticleNotFoundError):
        built_index.delete(SEED_ID)
    assert built_index.verify(corpus_dir).ok
    report = built_index.update(corpus_dir)
    assert report.added == 0 and len(built_index) == before - 1


def test_every_error_is_a_searcher_error(built_index: searcher.Index) -> None:
    with pytest.raises(searcher.SearcherError, match="sort must be"):
        built_index.search("cocoa", sort="date")
    with pytest.raises(ValueError, match="sort must be"):
        built_index.search("cocoa", sort="date")
