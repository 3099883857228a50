"""Running the application on uvicorn: ``searcher serve``.

Several worker processes by default, one per core: Whoosh scoring is
CPU-bound and holds the GIL, so one process answers one query at a time.
Each worker opens the index itself (``$SEARCHER_INDEX`` tells it where).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import uvicorn

from searcher.config import INDEX_ENVVAR
from searcher.web.security import MAX_HEADER_BYTES, MAX_TARGET_BYTES


def default_workers() -> int:
    """One worker process per core."""
    return max(1, os.cpu_count() or 1)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(index_dir: Path, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the index at ``index_dir`` on ``host``:``port`` until interrupted."""
    os.environ[INDEX_ENVVAR] = str(index_dir.resolve())
    uvicorn.run(
        "searcher.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        h11_max_incomplete_event_size=MAX_TARGET_BYTES + MAX_HEADER_BYTES,
    )
