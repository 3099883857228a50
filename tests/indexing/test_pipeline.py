"""The indexing engine keeps ids unique, drops duplicates, shares work among its
workers, and merges small segments (what it writes is compared with Whoosh in
``tests/store/test_writer_matches_whoosh.py``)."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import searcher
from searcher import indexing, store
from searcher.indexing import scheduling
from searcher.indexing.scheduling import make_tasks
from searcher.indexing.tasks import Task
from searcher.indexing.worker import duplicate_key
from searcher.ingest import CorpusFile, ReadOptions
from searcher.store import FileEntry
from tests.conftest import news_articles


def test_duplicate_key_needs_a_body_and_names_title_body_and_date() -> None:
    brief = searcher.Article(id="a", path="a", title="BRIEF", body="")
    assert duplicate_key(brief) == 0
    one = searcher.Article(id="a", path="a", title="T", body="Body", date=datetime(1987, 1, 1))
    two = searcher.Article(id="b", path="b", title="T", body="Body", date=datetime(1987, 1, 1))
    later = searcher.Article(id="c", path="c", title="T", body="Body", date=datetime(1987, 1, 2))
    assert duplicate_key(one) == duplicate_key(two) != 0
    assert duplicate_key(one) != duplicate_key(later), "a re-sent story is its own article"


def test_byte_duplicates_are_indexed_once_and_named(tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (corpus / name).write_text("Same headline\n\nThe same body about harbours.\n")
    (corpus / "brief1.txt").write_text("A brief headline\n")
    (corpus / "brief2.txt").write_text("A brief headline\n")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        report = ix.update(corpus, jobs=1)
        assert len(ix) == 3, "one copy of the story, and both briefs"
        assert [(d.path, d.reason) for d in report.duplicates] == [
            (f"{corpus / 'b.txt'} (news/b.txt)", "duplicate of news/a.txt"),
            (f"{corpus / 'c.txt'} (news/c.txt)", "duplicate of news/a.txt"),
        ]
        assert report.added == 3
        assert report.articles == 3


def test_an_id_from_two_files_is_indexed_once(tmp_path: Path) -> None:
    for folder, body in (("one", "about zebras"), ("two", "about yaks")):
        (tmp_path / folder / "news").mkdir(parents=True)
        (tmp_path / folder / "news" / "x.txt").write_text(f"Headline\n\nA story {body}.\n")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        report = ix.update(tmp_path / "one" / "news", tmp_path / "two" / "news", jobs=1)
        assert len(ix) == 1
        assert [d.reason for d in report.duplicates] == [
            f"id already indexed from {tmp_path / 'one' / 'news' / 'x.txt'}"
        ]
        assert [h.id for h in ix.search("zebras")] == ["news/x.txt"]
        assert not ix.search("yaks").hits


def test_a_bad_article_is_left_out_and_never_answers_for_another(tmp_path: Path) -> None:
    bad = searcher.Article(id="bad", path="bad", title="Quokka", body="quokka \ud800 text")
    good = searcher.Article(id="good", path="good", title="Wombat", body="wombat text")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        assert ix.add([bad, good]) == 1
        assert [h.id for h in ix.search("wombat")] == ["good"]
        assert not ix.search("quokka").hits


def test_two_copies_of_an_id_in_one_batch_leave_one(tmp_path: Path) -> None:
    first = searcher.Article(id="x", path="x", title="First", body="alpha")
    second = searcher.Article(id="x", path="x", title="Second", body="beta")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.add([first, second])
        ix.add([first])
        assert len(ix) == 1
        assert ix.get("x").title == "First"


def test_parallel_run_matches_a_serial_one(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for article in news_articles(120):
        name = article.id.split("/")[1]
        (corpus / name).write_text(f"{article.title}\n\n{article.body}\n")
    for i in range(0, 120, 12):  # copies, before and after their originals
        (corpus / f"{i}b.txt").write_bytes((corpus / f"{i}.txt").read_bytes())
        (corpus / f"0{i}.txt").write_bytes((corpus / f"{i}.txt").read_bytes())
    results = []
    for jobs in (1, 2):
        with searcher.open_index(tmp_path / f"ix{jobs}", create=True) as ix:
            report = ix.update(corpus, jobs=jobs)
            hits = {h.id for h in ix.search("cocoa bahia", limit=200)}
            left_out = sorted((d.path, d.reason) for d in report.duplicates)
            results.append((report.added, len(ix), hits, left_out))
    # The workers share the files out as they go, yet the same copies are kept:
    # a round is committed in corpus order.
    assert results[0] == results[1]
    assert results[0][1] == 140 - len(report.duplicates) and report.duplicates


def test_workers_of_a_round_take_each_file_once() -> None:
    files = tuple((f"/c/{i}.txt", f"c/{i}.txt") for i in range(7))
    first = [Task(n, "ix", files, round=0, share=n, shares=2) for n in range(2)]
    second = [Task(2 + n, "ix", files[:3], round=1, share=n, shares=2) for n in range(2)]
    scheduling.share_files(multiprocessing.get_context("fork").Array("q", 5))
    try:
        a, b = (scheduling.take_files(t) for t in first)
        # Each reads its own run from the front (0-2, 3-6); a, done first,
        # then takes from the back of b's.
        got = [next(a), next(b), next(a), next(a), next(b), next(a), next(b)]
        assert got == [files[i] for i in (0, 3, 1, 2, 4, 6, 5)]
        assert [*a, *b] == []
        # The next round: its first request cuts it; the earlier round is over.
        # (share 1 reads its run, 1-2, then takes 0 from share 0's.)
        later = [*scheduling.take_files(second[1]), *scheduling.take_files(second[0])]
        assert later == [files[1], files[2], files[0]]
        assert list(scheduling.take_files(first[0])) == []
    finally:
        scheduling.share_files(None)


def test_stats_count_articles_dates_and_sources(tmp_path: Path) -> None:
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.add(news_articles(30))
        stats = ix.stats()
    assert stats.articles == 30
    assert stats.first_date == datetime(1987, 2, 1, 4)  # article 28
    assert stats.last_date == datetime(1987, 2, 28, 3)
    assert stats.sources == (("AFP", 10), ("Reuters", 10))
    assert stats.size_bytes > 0


def test_a_duplicate_comes_back_when_its_original_goes(tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    corpus.mkdir()
    for name in ("a.txt", "b.txt"):
        (corpus / name).write_text("Same headline\n\nThe same body about harbours.\n")
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.update(corpus, jobs=1)
        assert [h.id for h in ix.search("harbours")] == ["news/a.txt"]
        (corpus / "a.txt").unlink()
        report = ix.update(corpus, jobs=1)
        assert (report.removed, report.added, report.duplicates) == (1, 1, ())
        assert [h.id for h in ix.search("harbours")] == ["news/b.txt"]


def test_small_daily_runs_are_merged(tmp_path: Path) -> None:
    from searcher import indexing

    corpus = tmp_path / "news"
    corpus.mkdir()
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        for day in range(indexing.MAX_SMALL_SEGMENTS + 1):
            (corpus / f"{day}.txt").write_text(f"Day {day}\n\nNews of day{day}.\n")
            ix.update(corpus, jobs=1)
        assert len(store.read_toc(ix.path).segments) == 1
        assert len(ix) == indexing.MAX_SMALL_SEGMENTS + 1
        assert [h.id for h in ix.search("day2")] == ["news/2.txt"]


def _todo(tmp_path: Path, sizes: list[int]) -> list[tuple[CorpusFile, FileEntry]]:
    return [
        (CorpusFile(tmp_path / f"{i}.sgm", f"c/{i}.sgm"), FileEntry(f"{i}.sgm", n, 0, "", 0))
        for i, n in enumerate(sizes)
    ]


def test_a_cold_run_is_one_round_the_workers_share(tmp_path: Path) -> None:
    todo = _todo(tmp_path, [1_300_000] * 20 + [1_400_000, 620_000])  # Reuters: 22 files
    corpus = tuple((str(c.path), c.doc_id) for c, _ in todo)
    tasks = make_tasks(todo, tmp_path, jobs=2)
    # One task a worker, each holding the round's files: one run of neighbours
    # a worker (0-10, 11-21), each largest first.
    runs = (*corpus[:11], corpus[20], *corpus[11:20], corpus[21])
    assert [(t.round, t.share, t.shares, t.files) for t in tasks] == [
        (0, 0, 2, runs),
        (0, 1, 2, runs),
    ]
    assert len(make_tasks(todo, tmp_path, jobs=3)) == 3
    alone = make_tasks(todo, tmp_path, jobs=1)  # rounds of one task, in corpus order
    assert [f for t in alone for f in t.files] == list(corpus)
    assert len(make_tasks(todo[:1], tmp_path, jobs=2)) == 1
    assert make_tasks([], tmp_path, jobs=2) == []


def test_rounds_stay_under_the_task_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduling, "TASK_BYTES", 3_000_000)
    tasks = make_tasks(_todo(tmp_path, [1_000_000] * 12), tmp_path, jobs=2)
    # Two rounds of 6 MB (3 MB a worker), in corpus order.
    assert [(t.round, t.share, len(t.files)) for t in tasks] == [
        (0, 0, 6),
        (0, 1, 6),
        (1, 0, 6),
        (1, 1, 6),
    ]
    assert tasks[2].files[0] == (str(tmp_path / "6.sgm"), "c/6.sgm")


def test_a_shards_rounds_read_as_many_times_more_files_as_there_are_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One shard of three keeps a third of what it reads: a round of 9 MB holds
    # the articles of one index's 3 MB.
    monkeypatch.setattr(scheduling, "TASK_BYTES", 3_000_000)
    todo = _todo(tmp_path, [1_000_000] * 36)
    tasks = make_tasks(todo, tmp_path, jobs=2, options=ReadOptions(shard=1, shards=3))
    assert [(t.round, len(t.files)) for t in tasks] == [(0, 18), (0, 18), (1, 18), (1, 18)]
    assert len(make_tasks(todo, tmp_path, jobs=2)) == 12


def test_a_first_run_looks_up_no_old_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Looking up old copies opens every committed segment: on a fresh index
    # there are none to replace, however many tasks the run commits.
    corpus = tmp_path / "news"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"{i}.txt").write_text(f"Headline {i}\n\nA story about zebra number {i}.\n")
    looked_up: list[str] = []
    delete_by_path = store.delete_by_path

    def spy(index_dir: Path, schema: object, segs: list[object], paths: list[str]) -> int:
        looked_up.extend(paths)
        return delete_by_path(index_dir, schema, segs, paths)

    monkeypatch.setattr(store, "delete_by_path", spy)
    monkeypatch.setattr(scheduling, "TASK_BYTES", 100)
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        assert ix.update(corpus, jobs=1).added == 6
    assert looked_up == []


def test_merged_articles_keep_their_unstored_fields(tmp_path: Path) -> None:
    # A merge rebuilds documents from their stored fields: the fields made from
    # them (lead, words, month, day, source key, signature) must come back too.
    corpus = tmp_path / "news"
    corpus.mkdir()
    body = " ".join(f"harbour{i}" for i in range(30))
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        for day in range(indexing.MAX_SMALL_SEGMENTS + 1):
            record = {"title": f"Day {day}", "body": f"News of day{day}. {body}"}
            record |= {"source": "AFP", "date": f"2011-10-1{day}T08:00:00"}
            (corpus / f"{day}.json").write_text(json.dumps(record))
            ix.update(corpus, jobs=1)
        assert len(store.read_toc(ix.path).segments) == 1, "merged"
    with whoosh_index.open_dir(str(tmp_path / "ix")).reader() as reader:
        assert reader.frequency("words", "day2") == 1
        assert reader.frequency("words", "harbour3") == 5
        assert reader.doc_frequency("lead", "day2") == 1
        assert reader.doc_frequency("month", "2011-10") == 5
        assert reader.doc_frequency("day", "20111012") == 1
        assert reader.doc_frequency("source_key", "AFP") == 5
        signatures = reader.column_reader("signature")
        assert all(any(signatures[d]) for d in reader.all_doc_ids())
