"""Check near-duplicate precision on a built index: every pair the signatures
merge (estimated Jaccard >= THRESHOLD) is re-checked with the exact Jaccard of
the bodies' shingle sets.

    .venv/bin/python benchmarks/neardup_check.py /tmp/reuters-index
"""

from __future__ import annotations

import sys
from collections import defaultdict
from itertools import combinations

import searcher
from searcher.analysis import neardup


def main(index_dir: str) -> None:
    with searcher.open_index(index_dir) as ix, ix._ix.searcher() as s:
        buckets: dict[str, list[int]] = defaultdict(list)
        signatures: dict[int, bytes] = {}
        bodies: dict[int, str] = {}
        column = s.reader().column_reader("signature")
        for docnum, fields in s.iter_docs():
            sig = column[docnum]
            if any(sig):
                signatures[docnum] = sig
                bodies[docnum] = fields.get("body", "")
                for key in neardup.band_keys(sig):
                    buckets[key].append(docnum)
        pairs = {pair for docs in buckets.values() for pair in combinations(sorted(docs), 2)}
        merged = [
            (a, b)
            for a, b in pairs
            if neardup.similarity(signatures[a], signatures[b]) >= neardup.THRESHOLD
        ]
        exact = []
        for a, b in merged:
            left, right = neardup.shingles(bodies[a]), neardup.shingles(bodies[b])
            exact.append(len(left & right) / len(left | right))
        print(f"{len(signatures)} bodies with signatures, {len(pairs)} candidate pairs")
        print(f"{len(merged)} pairs merged (estimated Jaccard >= {neardup.THRESHOLD})")
        for floor in (0.7, 0.6, 0.5, 0.3):
            below = sum(j < floor for j in exact)
            print(f"  exact Jaccard < {floor}: {below}")
        if exact:
            print(f"  lowest exact Jaccard among merged pairs: {min(exact):.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/reuters-index")
