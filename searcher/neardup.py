"""Near-duplicate articles: the same wire copy republished under another headline.

At index time each body gets a compact signature: a one-permutation MinHash
(:data:`BINS` bins, densified) of its word 5-shingles, and :data:`BANDS` LSH band
keys derived from it. At query time the band keys find candidate duplicates of
a hit, and the signatures estimate their Jaccard similarity; only pairs at or
above :data:`THRESHOLD` are merged. The threshold is high on purpose: merging
two distinct stories hides one of them, while missing a duplicate only shows
one hit too many.

>>> body = " ".join(f"word{i}" for i in range(200))
>>> same = signature(body)
>>> same is not None and similarity(same, signature(body)) == 1.0
True
>>> longer = signature(body + " " + " ".join(f"extra{i}" for i in range(20)))
>>> 0.75 < similarity(same, longer) < 1.0
True
>>> signature("Too short to judge.") is None
True
"""

from __future__ import annotations

import logging
import re
import struct
from hashlib import blake2b

from searcher.analysis import fold

LOGGER = logging.getLogger(__name__)

#: Words per shingle.
SHINGLE_WORDS = 5
#: MinHash bins; :data:`BANDS` bands of :data:`ROWS` bins each are the LSH keys.
BINS = 128
ROWS = 4
BANDS = BINS // ROWS
#: A body with fewer shingles than this gets no signature and is never grouped:
#: briefs and empty bodies share too little text to tell copies from chance.
MIN_SHINGLES = 12
#: Estimated Jaccard similarity of the shingle sets at which two bodies are
#: near-duplicates. At 128 bins the estimate's standard error is at most 0.045.
THRESHOLD = 0.7

_WORD = re.compile(r"[^\W_]+")
_FORMAT = f"<{BINS}I"
_EMPTY = 0xFFFFFFFF
_MASK = 0xFFFFFFFF
# Added per step when an empty bin borrows a neighbour's value (densification).
_STEP = 0x9E3779B1


def shingles(text: str) -> set[str]:
    """Return the word :data:`SHINGLE_WORDS`-shingles of ``text``, folded.

    >>> sorted(shingles("One two three four five six"))
    ['one two three four five', 'two three four five six']
    """
    words = [fold(w) for w in _WORD.findall(text)]
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> bytes | None:
    """Return the MinHash signature of a body (``BINS`` 32-bit values), or ``None``
    when it has fewer than :data:`MIN_SHINGLES` shingles."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    values = [_EMPTY] * BINS
    for gram in grams:
        h = int.from_bytes(blake2b(gram.encode(), digest_size=8).digest(), "little")
        slot, value = h % BINS, (h // BINS) & _MASK
        if value < values[slot]:
            values[slot] = value
    return struct.pack(_FORMAT, *_densify(values))


def _densify(values: list[int]) -> list[int]:
    """Fill each empty bin from the next filled one to its right (rotation
    densification), so two signatures compare bin by bin."""
    filled = [i for i, v in enumerate(values) if v != _EMPTY]
    if len(filled) == BINS:
        return values
    result = list(values)
    for i, value in enumerate(values):
        if value != _EMPTY:
            continue
        step = 1
        while values[(i + step) % BINS] == _EMPTY:
            step += 1
        result[i] = (values[(i + step) % BINS] + step * _STEP) & _MASK
    return result


def band_keys(sig: bytes) -> list[str]:
    """Return the LSH band keys of a signature: two bodies share a key when all
    :data:`ROWS` bins of one band agree.

    >>> keys = band_keys(signature(" ".join(f"w{i}" for i in range(40))) or b"")
    >>> len(keys), keys[0][:3]
    (32, 'b00')
    """
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS * 4 : (band + 1) * ROWS * 4]
        keys.append(f"b{band:02d}{blake2b(chunk, digest_size=6).hexdigest()}")
    return keys


def similarity(a: bytes, b: bytes) -> float:
    """Estimate the Jaccard similarity of the shingle sets behind two signatures."""
    if len(a) != len(b) or len(a) != BINS * 4:
        return 0.0
    left, right = struct.unpack(_FORMAT, a), struct.unpack(_FORMAT, b)
    same: int = sum(x == y for x, y in zip(left, right, strict=True))
    return same / BINS


def signature_fields(body: str) -> dict[str, object]:
    """Return the index fields (``signature``, ``dupkeys``) of one body; empty when
    the body is too short to have a signature."""
    sig = signature(body)
    if sig is None:
        return {}
    return {"signature": sig, "dupkeys": " ".join(band_keys(sig))}
