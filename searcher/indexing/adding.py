"""Adding articles given by a program (not read from corpus files) to an index."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

from whoosh.index import FileIndex

from searcher import store
from searcher.indexing.document_maker import maker_for
from searcher.indexing.worker import write_articles
from searcher.models import Article, Skipped
from searcher.store import Manifest
from searcher.store.segment_writer import SegmentBuilder

#: Articles per commit.
BATCH = 5000


def add_articles(ix: FileIndex, index_dir: Path, articles: Iterable[Article]) -> int:
    """Index ``articles``, replacing indexed articles with the same ids.

    Ids are made unique per batch first (the last copy wins): Whoosh's
    ``update_document`` removes one old copy only, so two updates of one id in a
    batch would leave two documents.

    :returns: how many articles were indexed.
    """
    count = 0
    iterator = iter(articles)
    with store.write_lock(ix, index_dir):
        while batch := list(itertools.islice(iterator, BATCH)):
            count += _add_batch(index_dir, list({a.id: a for a in batch}.values()))
    return count


def _add_batch(index_dir: Path, batch: list[Article]) -> int:
    toc = store.read_toc(index_dir)
    builder = SegmentBuilder(index_dir, toc.schema)
    rejected: list[Skipped] = []
    try:
        maker = maker_for(str(index_dir))
        written = write_articles(builder, maker, batch, rejected)
        segment = builder.finish()
    except BaseException:
        builder.cancel()
        raise
    if segment is None:
        return 0
    by_id = {a.id: a for a in batch}
    ids = [w[0] for w in written]
    with Manifest(index_dir).transaction() as txn:
        store.delete_by_path(index_dir, toc.schema, toc.segments, ids, fieldname="id")
        txn.con.executemany("delete from articles where id = ?", [(i,) for i in ids])
        for article_id, _, key, source, date in written:
            txn.add_article(article_id, by_id[article_id].path, key, source, date)
        store.commit(index_dir, toc.schema, [*toc.segments, segment], toc.generation + 1)
        txn.set_generation(toc.generation + 1)
        txn.add_stems(maker.take_stems())
    return len(written)


def delete_articles(ix: FileIndex, index_dir: Path, article_ids: list[str]) -> int:
    """Delete the articles with ``article_ids`` from the index and the manifest,
    in one commit; return how many were deleted.

    Their files stay recorded as read, so the next run does not bring them
    back; it does when a file changes, or with ``--rebuild``.
    """
    with store.write_lock(ix, index_dir):
        toc = store.read_toc(index_dir)
        with Manifest(index_dir).transaction() as txn:
            owners = txn.owners(article_ids)
            count = store.delete_by_path(
                index_dir, toc.schema, toc.segments, article_ids, fieldname="id"
            )
            if not count:
                return 0
            txn.con.executemany("delete from articles where id = ?", [(i,) for i in article_ids])
            txn.con.executemany(
                "update files set articles = articles - 1 where path = ?",
                [(path,) for path in owners.values()],
            )
            store.commit(index_dir, toc.schema, toc.segments, toc.generation + 1)
            txn.set_generation(toc.generation + 1)
    return count
