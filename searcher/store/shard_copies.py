"""The manifest's side of exact duplicates across the shards of a sharded index.

Each shard leaves out the copies of a story it holds twice
(:mod:`searcher.indexing.committing`); copies routed to different shards are
settled afterwards (:mod:`searcher.cluster.duplicates`), with these reads and
changes of one shard's manifest:

* the duplicate keys it holds, and who holds a key (with its copies left out);
* a held article handed over, as left out, to a copy kept in another shard:
  its row gone, its file read again when the kept copy's file changes or goes
  (``left_out``), its own copies left out now because of that file too;
* the copies of its held articles recorded (``duplicates``), whichever shard
  their ids are routed to, so a hit names them and ``get`` reaches them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet

from searcher.store.manifest import STALE, Manifest, Transaction

#: A copy left out: (its id, its file).
Copy = tuple[str, str]


def held_keys(manifest: Manifest) -> list[int]:
    """The duplicate key of every held article that has one (not 0)."""
    if not manifest.path.exists():
        return []
    with manifest.transaction() as txn:
        return [int(k) for (k,) in txn.con.execute("select key from articles where key != 0")]


def holders(
    manifest: Manifest, keys: Iterable[int]
) -> dict[int, tuple[str, str, tuple[Copy, ...]]]:
    """For each of ``keys`` held: the holder's id and file, and the copies left
    out as its duplicates (in the order they were recorded)."""
    with manifest.transaction() as txn:
        held = txn.originals(keys)
        copies: dict[str, list[Copy]] = {}
        rows = txn.con.execute("select id, path, of_id from duplicates order by rowid")
        wanted = {article_id for article_id, _ in held.values()}
        for copy_id, path, of_id in rows:
            if of_id in wanted:
                copies.setdefault(str(of_id), []).append((str(copy_id), str(path)))
    return {key: (i, p, tuple(copies.get(i, ()))) for key, (i, p) in held.items()}


def left_out_because(manifest: Manifest) -> dict[str, set[str]]:
    """The files each file had articles left out because of."""
    because: dict[str, set[str]] = {}
    with manifest.transaction() as txn:
        for path, of in txn.con.execute("select distinct path, because_of from left_out"):
            because.setdefault(str(path), set()).add(str(of))
    return because


def cross_copies(manifest: Manifest) -> list[tuple[str, str, str]]:
    """Every recorded copy (id, file, id of the held copy), for a check of
    those whose ids are routed to other shards."""
    if not manifest.path.exists():
        return []
    with manifest.transaction() as txn:
        rows = txn.con.execute("select id, path, of_id from duplicates order by rowid")
        return [(str(i), str(p), str(o)) for i, p, o in rows]


def held_ids(manifest: Manifest, article_ids: Iterable[str]) -> dict[str, str]:
    """Which of ``article_ids`` are held: each one's file."""
    with manifest.transaction() as txn:
        return txn.owners(article_ids)


def record_copies(txn: Transaction, rows: Iterable[tuple[str, str, str]]) -> None:
    """Record copies (id, file, id of the held copy) left out in other shards."""
    for copy_id, path, of_id in rows:
        txn.duplicate(copy_id, path, of_id)


def forget_copies(txn: Transaction, copy_ids: Iterable[str]) -> None:
    """Forget the records of copies that are no longer left out (or whose held copy went)."""
    txn.con.executemany("delete from duplicates where id = ?", [(i,) for i in copy_ids])


def hand_over(
    txn: Transaction, article_id: str, path: str, kept_id: str, kept_path: str
) -> list[Copy]:
    """Leave out the held article ``article_id`` of ``path``, an exact duplicate
    of ``kept_id`` of ``kept_path`` (held by another shard, first in corpus
    order): its row goes, and its file is read again when ``kept_path``
    changes or goes. Its own copies' records are forgotten here and returned:
    the other shard records them (and each copy's shard, :func:`repoint`).
    Files left out because of ``path`` for other reasons are not marked
    here: :func:`mark_unexplained`."""
    txn.con.execute("delete from articles where id = ? and path = ?", (article_id, path))
    txn.con.execute("delete from captures where id = ? and path = ?", (article_id, path))
    txn.con.execute("update files set articles = articles - 1 where path = ?", (path,))
    txn.left_out(path, kept_path)
    copies = [
        (str(i), str(p))
        for i, p in txn.con.execute(
            "select id, path from duplicates where of_id = ? order by rowid", (article_id,)
        )
    ]
    txn.con.execute("delete from duplicates where of_id = ?", (article_id,))
    return copies


def repoint(txn: Transaction, path: str, was_because_of: str, because_of: str) -> None:
    """A copy of ``path`` left out because of the file ``was_because_of`` is now
    left out because of ``because_of`` (where the copy it duplicates is kept)."""
    txn.con.execute(
        "delete from left_out where rowid = (select rowid from left_out"
        " where path = ? and because_of = ? limit 1)",
        (path, was_because_of),
    )
    txn.left_out(path, because_of)


def mark_unexplained(
    txn: Transaction,
    paths: set[str],
    local: Callable[[str], bool],
    repointed: Counter[tuple[str, str]],
) -> set[str]:
    """Mark to be read again (and, in turn, what was left out because of them)
    the files left out because of ``paths`` beyond the duplicates of what
    ``paths`` still hold (those whose ids are ``local``, routed to this
    shard): after :func:`hand_over`, what a handed-over article had left out
    for another reason (its id) may now be indexed. ``paths`` themselves are
    not marked (read again, the shard would hold the handed-over article once
    more). ``repointed``: the copies (file, because of) now left out because
    of a copy another shard holds (:func:`repoint`). Returns the files marked."""
    marked: set[str] = set()
    for path in paths:
        left = txn.con.execute(
            "select path, count(*) from left_out where because_of = ? group by path", (path,)
        ).fetchall()
        explained: Counter[str] = Counter(
            str(p)
            for i, p in txn.con.execute(
                "select d.id, d.path from duplicates d join articles a on d.of_id = a.id"
                " where a.path = ?",
                (path,),
            )
            if local(str(i))
        )
        marked |= {str(p) for p, n in left if n > explained[str(p)] + repointed[str(p), path]}
    return mark(txn, marked - paths, paths)


def mark(
    txn: Transaction, paths: AbstractSet[str], spare: AbstractSet[str] = frozenset()
) -> set[str]:
    """Mark ``paths`` to be read again and, in turn, the files left out
    because of them (all but ``spare``); return the files marked."""
    frontier = set(paths) - spare
    marked: set[str] = set()
    while frontier:
        marked |= frontier
        txn.con.executemany(
            f"update files set size = {STALE}, sha1 = '' where path = ?", [(p,) for p in frontier]
        )
        rows = txn.con.execute(
            "select distinct path from left_out where because_of in "
            f"({','.join('?' * len(frontier))})",
            sorted(frontier),
        )
        frontier = {str(row[0]) for row in rows} - marked - spare
    return marked
