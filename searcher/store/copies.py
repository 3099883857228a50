"""Exact duplicates left out of the index, as the manifest records them, read
once per index generation: which copies each indexed article has, and which
indexed article holds a copy's text (so ``show``, ``--json`` ``duplicate_ids``
and ``searcher eval`` reach a copy by its own id)."""

from __future__ import annotations

from pathlib import Path

from searcher.errors import ManifestError
from searcher.store.manifest import Manifest


class Copies:
    """The manifest's ``duplicates`` table of one index, kept until the generation changes."""

    def __init__(self, index_dir: Path) -> None:
        self.manifest = Manifest(index_dir)
        self._generation: int | None = None
        self._of: dict[str, tuple[str, str]] = {}
        self._copies: dict[str, tuple[str, ...]] = {}

    def _load(self, generation: int) -> None:
        if generation == self._generation:
            return
        try:
            of = self.manifest.duplicates() if self.manifest.path.exists() else {}
        except ManifestError:
            of = {}  # a damaged manifest costs the copies, not the search
        copies: dict[str, list[str]] = {}
        for copy_id, (_, original) in of.items():
            copies.setdefault(original, []).append(copy_id)
        self._of = of
        self._copies = {k: tuple(v) for k, v in copies.items()}
        self._generation = generation

    def copies_of(self, generation: int) -> dict[str, tuple[str, ...]]:
        """Indexed article id -> the ids of its exact duplicates left out."""
        self._load(generation)
        return self._copies

    def original_of(self, article_id: str, generation: int) -> tuple[str, str] | None:
        """(file, id of the indexed copy) of a left-out duplicate; ``None`` otherwise."""
        self._load(generation)
        return self._of.get(article_id)
