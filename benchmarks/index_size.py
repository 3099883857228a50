"""Index size: what each part of a searcher index weighs, and what compressing it costs.

Usage: ``python benchmarks/index_size.py [--stories 5000] [--index DIR]``

1. **Stored fields**: each story's stored fields, pickled as the segment writer
   pickles them, compressed one document at a time (as Whoosh's stored column
   does) with zlib and, when ``zstandard`` is installed, zstd, at several
   levels: bytes a story, and the microseconds to write one and to read one
   back (decompress and unpickle: the cost of each hit a query shows).
2. **Posting blocks**: every block of the body field of a built index (``--index``,
   else one built here from the synthetic stories), compressed at each zlib
   level: bytes, and the microseconds to decompress one (the cost added to
   each block a query reads).
3. **Anatomy** of that index: per part of its segments (stored fields, posting
   file, term table) and per field (term table and posting bytes).

Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import stories, write_jsonl  # benchmarks/ is on sys.path, not a package

#: Levels measured.
ZLIB_LEVELS = (0, 1, 3, 6, 9)
ZSTD_LEVELS = (1, 3, 9, 19)


def _codecs() -> dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]]:
    codecs: dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {}
    for level in ZLIB_LEVELS:
        codecs[f"zlib {level}"] = (lambda b, lv=level: zlib.compress(b, lv), zlib.decompress)
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        return codecs
    for level in ZSTD_LEVELS:
        writer = zstandard.ZstdCompressor(level=level)
        reader = zstandard.ZstdDecompressor()
        codecs[f"zstd {level}"] = (writer.compress, reader.decompress)
    return codecs


def _time_each(function: Callable[[bytes], Any], items: list[bytes]) -> float:
    """Microseconds per item, best of three passes."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - started)
    return 1e6 * best / len(items)


def stored_fields(count: int) -> None:
    from searcher.schema import article_fields, build_schema

    schema = build_schema()
    names = sorted(n for n in schema.names() if schema[n].stored)
    docs = []
    for article in stories(count):
        values = article_fields(article, signature=False)
        fields = {n: v for n in names if (v := values.get(n)) is not None}
        docs.append(pickle.dumps(fields, 3))
    raw = sum(map(len, docs)) / len(docs)
    for name, (compress, decompress) in _codecs().items():
        packed = [compress(d) for d in docs]

        def read(blob: bytes, decompress: Callable[[bytes], bytes] = decompress) -> Any:
            return pickle.loads(decompress(blob))

        row = {
            "part": "stored fields",
            "codec": name,
            "bytes_per_story": round(sum(map(len, packed)) / len(packed)),
            "ratio": round(sum(map(len, packed)) / len(packed) / raw, 3),
            "write_us": round(_time_each(compress, docs), 1),
            "read_us": round(_time_each(read, packed), 1),
        }
        print(json.dumps(row), flush=True)


def _segments(index_dir: Path) -> list[Any]:
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(index_dir))
    return [
        CompoundStorage(storage.open_file(p.name), use_mmap=False)
        for p in sorted(index_dir.glob("*.seg"))
    ]


def anatomy(index_dir: Path) -> None:
    from whoosh.codec.whoosh3 import W3TermInfo

    import searcher

    parts: Counter[str] = Counter()
    for compound in _segments(index_dir):
        for name in compound.list():
            suffix = name.rsplit(".", 1)[-1]
            part = name.split(".", 1)[1] if suffix == "col" else suffix
            parts[part] += compound.file_length(name)
    total = sum(parts.values())
    for part, size in parts.most_common():
        print(
            json.dumps({"part": part, "mb": round(size / 1e6, 2), "share": round(size / total, 3)})
        )
    table: Counter[str] = Counter()
    posted: Counter[str] = Counter()
    with searcher.open_index(index_dir) as ix, ix._ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            fieldmap = {v: k for k, v in leaf._terms._fieldmap.items()}
            for key, value in leaf._terms._tindex.items():
                name = fieldmap[int.from_bytes(key[:2], "big")]
                table[name] += len(key) + len(value) + 8
                info = W3TermInfo.from_bytes(value)
                if not info.is_inlined():
                    posted[name] += info._length[0]
    for name in sorted(table, key=lambda n: -(table[n] + posted[n])):
        row = {"field": name, "term_table_mb": round(table[name] / 1e6, 2)}
        print(json.dumps({**row, "postings_mb": round(posted[name] / 1e6, 2)}))


def posting_blocks(index_dir: Path, field: str = "body") -> None:
    """Each body posting block of the index, compressed at each zlib level."""
    import searcher

    blocks = []
    with searcher.open_index(index_dir) as ix, ix._ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            fieldnum = leaf._terms._fieldmap[field]
            postfile = leaf._terms._postfile
            from whoosh.codec.whoosh3 import W3TermInfo

            for key, value in leaf._terms._tindex.items():
                if int.from_bytes(key[:2], "big") != fieldnum:
                    continue
                info = W3TermInfo.from_bytes(value)
                if not info.is_inlined():
                    blocks.append(postfile.get(info._offset, info._length[0]))
    raw = sum(map(len, blocks))
    for name, (compress, decompress) in _codecs().items():
        packed = [compress(b) for b in blocks]
        row = {
            "part": f"{field} posting lists",
            "codec": name,
            "mb": round(sum(map(len, packed)) / 1e6, 2),
            "ratio": round(sum(map(len, packed)) / raw, 3),
            "decompress_us_per_kb": round(
                _time_each(decompress, packed) * len(packed) / (raw / 1024), 2
            ),
        }
        print(json.dumps(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--index", type=Path, default=None, help="a built index to dissect")
    args = parser.parse_args()
    stored_fields(args.stories)
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp:
        index_dir = args.index
        if index_dir is None:
            import searcher

            index_dir = Path(tmp) / "ix"
            write_jsonl(Path(tmp) / "corpus", args.stories)
            with searcher.open_index(index_dir, create=True) as ix:
                ix.update(Path(tmp) / "corpus")
        posting_blocks(index_dir)
        anatomy(index_dir)


if __name__ == "__main__":
    main()
