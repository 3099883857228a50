"""Where the index lives: an explicit path, else ``$SEARCHER_INDEX``, else ``index/``."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_INDEX_DIR = Path("index")
INDEX_ENVVAR = "SEARCHER_INDEX"


def resolve_index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the index folder to use.

    :param explicit: a path the caller chose; wins over the environment.
    """
    if explicit is not None:
        return Path(explicit)
    from_env = os.environ.get(INDEX_ENVVAR)
    if from_env:
        return Path(from_env)
    return DEFAULT_INDEX_DIR
