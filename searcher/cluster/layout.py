"""The folder of a sharded index: ``shards.json`` and one complete index a shard.

A sharded index folder holds ``shard-000/``, ``shard-001/``… (each a searcher
index of its own, with its manifest, lock and generations) and ``shards.json``,
which names the format, the shard count and the routing: an article belongs to
shard ``blake2b-8(id) mod N`` (:func:`searcher.ingest.shard_of`), so an article
keeps its shard across runs and machines.

Imports the floor (``errors``) and ``searcher.ingest`` (the routing hash).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from searcher.errors import IndexCorruptError, SearcherError
from searcher.ingest import shard_of

#: The file that marks a folder as a sharded index.
SHARDS_FILE = "shards.json"
#: Its format; a reader refuses any other.
FORMAT = 1
#: How articles are routed, as ``shards.json`` names it.
ROUTING = "blake2b-8(id) mod shards"
#: Most shards an index may have.
MAX_SHARDS = 1024


@dataclass(frozen=True)
class Layout:
    """A sharded index folder: where it is and how many shards it has."""

    path: Path
    shards: int

    def shard_dir(self, number: int) -> Path:
        """The folder of shard ``number`` (from 0)."""
        return self.path / shard_name(number)

    def shard_dirs(self) -> list[Path]:
        return [self.shard_dir(n) for n in range(self.shards)]

    def route(self, article_id: str) -> int:
        """The shard holding the article with id ``article_id``."""
        return shard_of(article_id, self.shards)


def shard_name(number: int) -> str:
    return f"shard-{number:03d}"


def is_sharded(path: Path) -> bool:
    """Whether ``path`` is the folder of a sharded index."""
    return (path / SHARDS_FILE).is_file()


def read_layout(path: Path) -> Layout:
    """Read ``shards.json`` of the sharded index at ``path``.

    :raises IndexCorruptError: it cannot be read, or names another format.
    """
    try:
        data = json.loads((path / SHARDS_FILE).read_text(encoding="utf-8"))
        shards = data["shards"]
        version = data["format"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(path, f"{SHARDS_FILE} cannot be read ({exc})") from exc
    if version != FORMAT or data.get("routing") != ROUTING:
        raise IndexCorruptError(
            path,
            f"{SHARDS_FILE} is format {version!r}, routing {data.get('routing')!r}; "
            f"this searcher reads format {FORMAT}, {ROUTING!r}",
        )
    if not isinstance(shards, int) or not 1 <= shards <= MAX_SHARDS:
        raise IndexCorruptError(path, f"{SHARDS_FILE} gives {shards!r} shards")
    return Layout(path, shards)


def write_layout(path: Path, shards: int) -> Layout:
    """Write ``shards.json`` for ``shards`` shards (atomically) and return the layout.

    :raises SearcherError: ``path`` already holds a sharded index of another count.
    """
    if is_sharded(path):
        layout = read_layout(path)
        if layout.shards != shards:
            raise SearcherError(
                f"{path} holds {layout.shards} shards, not {shards}; "
                f"index into a new folder to change the shard count"
            )
        return layout
    path.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "shards": shards, "routing": ROUTING}, indent=2)
    temporary = path / f".{SHARDS_FILE}.tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path / SHARDS_FILE)
    return Layout(path, shards)
