"""Near-duplicate articles: the same wire copy republished under another headline.

At index time each body gets a compact signature, kept in a column: a
one-permutation MinHash (:data:`BINS` bins, densified) of its word 5-shingles.
At query time :func:`group` splits the signatures of the best hits into
:data:`BANDS` LSH bands to find candidate copies, and the signatures estimate
their Jaccard similarity; only pairs at or above :data:`THRESHOLD` are merged.
The threshold is high on purpose: merging two distinct stories hides one of
them, while missing a duplicate only shows one hit too many.

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
from collections.abc import Hashable, Sequence
from typing import Any, TypeVar
from zlib import crc32

from searcher.analysis.tokenizer import TOKEN_PATTERN, compile_pattern, fold

LOGGER = logging.getLogger(__name__)

#: Words per shingle.
SHINGLE_WORDS = 5
#: MinHash bins; :data:`BANDS` bands of :data:`ROWS` bins each (the first 64
#: bins) are the LSH keys: a pair at Jaccard 0.7 shares a band with probability
#: 0.988, at 0.5 with 0.64 (then rejected by the estimate over all 128 bins).
BINS = 128
ROWS = 4
BANDS = 16
#: A body with fewer shingles than this gets no signature and is never grouped:
#: briefs and empty bodies share too little text to tell copies from chance.
MIN_SHINGLES = 12
#: Estimated Jaccard similarity of the shingle sets at which two bodies are
#: near-duplicates. At 128 bins the estimate's standard error is at most 0.045.
THRESHOLD = 0.7
#: Each bin keeps the low 8 bits of its minimum (b-bit MinHash): two bins then
#: also agree by chance, 1 time in 256, which :func:`similarity` corrects for.
#: A signature is 128 bytes, not 512: the column is read on every search.
_CHANCE = 1 / 256

Key = TypeVar("Key", bound=Hashable)

#: Bytes of a signature; a column holds zeros for articles without one.
SIGNATURE_BYTES = BINS
# The low bits of a shingle's hash pick its bin, the others are its value.
_BIN_BITS = BINS.bit_length() - 1
# Each token's word id (see token_signature()).
_IDS: dict[str, int] = {}
#: The word ids are forgotten when there are more than this many.
_MAX_IDS = 500_000
#: Added per step when an empty bin borrows a neighbour's value (densification).
FILL_STEP = 0x9E3779B1


def _tokens(text: str) -> list[str]:
    return list(compile_pattern(TOKEN_PATTERN).findall(text))


def shingles(text: str) -> set[str]:
    """Return the word :data:`SHINGLE_WORDS`-shingles of ``text``, folded.

    >>> sorted(shingles("One two three four five six"))
    ['one two three four five', 'two three four five six']
    """
    words = [fold(token) for token in _tokens(text)]
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> bytes | None:
    """Return the MinHash signature of a body (``BINS`` one-byte values), or
    ``None`` when it has fewer than :data:`MIN_SHINGLES` shingles."""
    return token_signature(_tokens(text))


def token_signature(tokens: list[str]) -> bytes | None:
    """Return the signature of a body from its tokens (the body analyzer's
    tokenizer's, before any filter: the indexer has them already).

    A word's id is the CRC-32 of its folded text, learnt once per process.
    The shingles' hashes, the bins' minima and the densification are computed
    with NumPy over the whole body at once: in Python they cost about 80 µs a
    Reuters story, a seventh of the time to index it, against about 30.
    """
    if len(tokens) - SHINGLE_WORDS + 1 < MIN_SHINGLES:
        return None
    np = load_numpy()
    ids = np.array(word_ids(tokens), dtype=np.uint64)
    count = len(tokens) - SHINGLE_WORDS + 1
    # Each shingle: its words' ids times odd constants, summed (mod 2**64), then
    # mixed by MurmurHash3's 64-bit finalizer, so that every bit of the bin and
    # the value depends on every bit of every word.
    # (A convolution with the constants reversed: one call, the same sums.)
    hashes = np.convolve(ids, _CONSTANTS["multipliers"], mode="valid")
    shift = _CONSTANTS["mix shift"]
    for mix in _CONSTANTS["mix"]:
        hashes ^= hashes >> shift
        hashes *= mix
    hashes ^= hashes >> shift
    # The low bits pick the bin, the others are the value: sorted by bin, then
    # value, the first of each bin is its smallest.
    bin_bits, value_bits = _CONSTANTS["bin bits"], _CONSTANTS["value bits"]
    keys = ((hashes & _CONSTANTS["bin mask"]) << value_bits) | (hashes >> bin_bits)
    keys.sort()
    bins = (keys >> value_bits).astype(np.intp)
    first = np.empty(count, dtype=bool)
    first[0] = True
    np.not_equal(bins[1:], bins[:-1], out=first[1:])
    filled = bins[first]
    if len(filled) < MIN_SHINGLES and 1 + np.count_nonzero(keys[1:] != keys[:-1]) < MIN_SHINGLES:
        return None
    values = keys[first].astype(np.uint8)  # the low byte of each bin's smallest value
    if len(filled) == BINS:
        return bytes(values.tobytes())
    # Densification: an empty bin takes the value of the next filled bin to its
    # right (wrapping round), plus FILL_STEP for each bin it moved (in bytes, mod 256).
    numbers = _CONSTANTS["bin numbers"]
    nearest = np.searchsorted(filled, numbers)
    wrapped = nearest == len(filled)
    nearest[wrapped] = 0
    steps = filled[nearest] - numbers
    steps[wrapped] += BINS
    out = values[nearest] + steps.astype(np.uint8) * np.uint8(FILL_STEP & 0xFF)
    return bytes(out.tobytes())


def load_numpy() -> Any:
    """Return NumPy, imported on the first signature (queries never make one)."""
    import numpy

    if not _CONSTANTS:
        _CONSTANTS.update(
            {
                "multipliers": numpy.array(SHINGLE_MULTIPLIERS[::-1], dtype=numpy.uint64),
                "mix": [numpy.uint64(0xFF51AFD7ED558CCD), numpy.uint64(0xC4CEB9FE1A85EC53)],
                "bin mask": numpy.uint64(BINS - 1),
                "bin numbers": numpy.arange(BINS, dtype=numpy.intp),
                "bin bits": numpy.uint64(_BIN_BITS),
                "value bits": numpy.uint64(64 - _BIN_BITS),
                "mix shift": numpy.uint64(33),
            }
        )
    return numpy


#: Odd 64-bit constants, one per word of a shingle (from splitmix64 and xxHash).
SHINGLE_MULTIPLIERS = (
    0x9E3779B97F4A7C15,
    0xBF58476D1CE4E5B9,
    0x94D049BB133111EB,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
)
# NumPy scalars of the constants above, made on first use.
_CONSTANTS: dict[str, Any] = {}


def forget_words() -> None:
    """Forget the word ids learnt so far (they are learnt again as needed)."""
    _IDS.clear()


def word_ids(tokens: list[str]) -> list[int]:
    """Return the id of each token's folded word (its CRC-32), learning new ones."""
    ids = _IDS
    try:
        return list(map(ids.__getitem__, tokens))
    except KeyError:
        pass
    if len(ids) > _MAX_IDS:
        ids.clear()
    new = list(set(tokens).difference(ids))
    words = (fold(token).encode("utf-8", "surrogatepass") for token in new)
    ids.update(zip(new, map(crc32, words), strict=True))
    return list(map(ids.__getitem__, tokens))


def band_keys(sig: bytes) -> list[bytes]:
    """Return the LSH band keys of a signature: two bodies share a key when all
    :data:`ROWS` bins of one band agree.

    >>> keys = band_keys(signature(" ".join(f"w{i}" for i in range(40))) or b"")
    >>> len(keys), keys[0][:1], len(keys[0])
    (16, b'\\x00', 5)
    """
    return [bytes([band]) + sig[band * ROWS : (band + 1) * ROWS] for band in range(BANDS)]


def similarity(a: bytes, b: bytes) -> float:
    """Estimate the Jaccard similarity of the shingle sets behind two signatures."""
    if len(a) != len(b) or len(a) != SIGNATURE_BYTES:
        return 0.0
    same = sum(x == y for x, y in zip(a, b, strict=True)) / BINS
    return max(0.0, (same - _CHANCE) / (1 - _CHANCE))


def signature_fields(body: str) -> dict[str, bytes]:
    """Return the index field ``signature`` of one body; empty when the body is
    too short to have a signature."""
    sig = signature(body)
    return {} if sig is None else {"signature": sig}


def group(ranked: Sequence[tuple[Key, bytes]]) -> list[tuple[Key, list[Key]]]:
    """Fold near-duplicates into the best-ranked copy.

    :param ranked: ``(key, signature)`` pairs, best first; an empty or all-zero
        signature is never grouped.
    :returns: ``(leader, copies)`` pairs in the leaders' order.

    >>> body = " ".join(f"w{i}" for i in range(40))
    >>> sig, other = signature(body) or b"", signature(body + " more words here") or b""
    >>> group([("a", sig), ("b", b""), ("c", other), ("d", sig)])
    [('a', ['c', 'd']), ('b', [])]
    """
    leaders: list[tuple[Key, list[Key]]] = []
    by_key: dict[bytes, list[int]] = {}
    signatures: list[bytes] = []
    for key, sig in ranked:
        keys = band_keys(sig) if len(sig) == SIGNATURE_BYTES and any(sig) else []
        candidates = dict.fromkeys(i for k in keys for i in by_key.get(k, ()))
        leader = next((i for i in candidates if similarity(signatures[i], sig) >= THRESHOLD), None)
        if leader is not None:
            leaders[leader][1].append(key)
            continue
        for k in keys:
            by_key.setdefault(k, []).append(len(leaders))
        leaders.append((key, []))
        signatures.append(sig)
    return leaders
