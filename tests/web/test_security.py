"""Headers on every response, limits on requests, and a server that never writes."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import httpx
import pytest

from searcher.web.security import MAX_TARGET_BYTES, SECURITY_HEADERS
from tests.conftest import SEED_ID
from tests.web.conftest import Server

PATHS = [
    "/",
    "/search?q=legal+immunity",
    f"/article/{SEED_ID}",
    "/stats",
    "/static/style.css",
    "/api/search?q=immunity",
    "/api/health",
    "/no/such/page",
    "/api/search?q=x&page=0",
    "/search?q=" + "a" * MAX_TARGET_BYTES,
]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p[:40])
def test_every_response_carries_the_security_headers(site: Server, path: str) -> None:
    headers = site.get(path).headers
    for name, value in SECURITY_HEADERS:
        assert headers[name.decode()] == value.decode()
    policy = headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy
    assert "server" not in headers


def test_a_request_target_over_the_limit_is_refused(site: Server) -> None:
    response = site.get("/api/search?q=" + "a" * MAX_TARGET_BYTES)
    assert response.status_code == 414
    assert response.json()["status"] == 414
    page = site.get("/search?q=" + "a" * MAX_TARGET_BYTES)
    assert page.status_code == 414 and "Request too long" in page.text


def test_oversized_headers_are_refused(site: Server) -> None:
    host, port = site.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")
        reply = conn.recv(200)
    assert reply.startswith(b"HTTP/1.1 431 ")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_only_get_is_answered(site: Server, method: str) -> None:
    response = httpx.request(method, site.url + "/api/search?q=x", timeout=10)
    assert response.status_code == 405
    assert response.json()["error"] == "This address only answers GET."


@pytest.mark.parametrize(
    "path",
    [
        "/article/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/article/%2Fetc%2Fpasswd",
        "/article//etc/passwd",
        "/article/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/article/corpus%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/similar/%2Fetc%2Fpasswd",
        "/static/..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/%2Fetc%2Fpasswd",
    ],
)
def test_ids_that_are_paths_read_no_file(site: Server, path: str) -> None:
    response = site.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        + f" {p.stat().st_mtime_ns}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_server_never_writes_to_the_index(site: Server) -> None:
    before = _snapshot(site.index_dir)
    for path in [*PATHS, f"/api/similar/{SEED_ID}", "/api/stats", f"/api/article/{SEED_ID}"]:
        site.get(path)
    assert _snapshot(site.index_dir) == before
