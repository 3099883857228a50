"""A real ``searcher serve`` on a free 127.0.0.1 port, started and stopped by fixtures.

One server over the sample corpus serves the whole session (``site``); the
hostile corpus gets its own (``hostile_site``); a test that changes its
index starts a private one (:func:`running_server`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest

import searcher
from tests.conftest import CORPUS, REPO

#: Where the browser tests leave their screenshots (git-ignored).
ARTIFACTS = REPO / "artifacts"


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and the index it serves."""

    url: str
    index_dir: Path
    log: Path

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(index_dir: Path, *, workers: int = 1) -> Iterator[Server]:
    """Run ``searcher serve`` on ``index_dir`` until the block ends."""
    port = free_port()
    log = index_dir.parent / f"serve-{port}.log"
    command = [sys.executable, "-m", "searcher", "--index", str(index_dir), "serve"]
    command += ["--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", index_dir, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if server.get("/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"searcher serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def build_index(root: Path, corpus: Path) -> Path:
    """Index a copy of ``corpus`` in ``root``; return the index folder."""
    target = root / corpus.name
    shutil.copytree(corpus, target)
    index_dir = root / "index"
    with searcher.open_index(index_dir, create=True) as ix:
        ix.update(target, jobs=1)
    return index_dir


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over the sample corpus, for the whole session."""
    index_dir = build_index(tmp_path_factory.mktemp("site"), CORPUS)
    with running_server(index_dir) as server:
        yield server


#: What a hostile article may hold, each in a field that reaches a page.
PWN = "window.__pwned=1"
HOSTILE_URLS = (
    f"javascript:{PWN}",
    f"data:text/html,<script>{PWN}</script>",
    f" JaVaScRiPt:{PWN}",
    'https://example.org/ok?"><script>window.__pwned=1</script>',
    "//evil.example/no-scheme",
)


def hostile_articles() -> list[searcher.Article]:
    """Articles whose every field tries to become markup, script or reordered text."""
    articles = []
    for number, url in enumerate(HOSTILE_URLS):
        articles.append(
            searcher.Article(
                id=f"hostile/{number}<script>\"x'.txt#<b>",
                path=f"/hostile/{number}.txt",
                title=f"<script>{PWN}</script>Hostile headline {number} \x1b[31mred\x07 \u2028",
                body=(
                    f'Hostile body <img src=x onerror="{PWN}"> and '
                    f'<a href="javascript:{PWN}">click</a> here.\n\n'
                    f"Second hostile paragraph <svg onload={PWN}> \u202eesrever\u202c "
                    f"<iframe src=javascript:{PWN}></iframe> \x00\x1b]0;title\x07 end."
                ),
                byline=f"Evil \u202eBidi\u202c Writer <style>*{{display:none}}</style> {number}",
                source=f'Evil" onclick="{PWN}',
                date=datetime(2020, 1 + number, 1),
                url=url,
                keywords=(f"<i onmouseover={PWN}>kw</i>",),
            )
        )
    return articles


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over an index of :func:`hostile_articles` only."""
    index_dir = tmp_path_factory.mktemp("hostile") / "index"
    with searcher.open_index(index_dir, create=True) as ix:
        ix.add(hostile_articles())
    with running_server(index_dir) as server:
        yield server
