"""Load on ``searcher serve``: 16 concurrent clients for 30 s from another process.

Usage: ``python benchmarks/serve.py [--index DIR] [--workers N] [--clients 16] [--seconds 30]``

Indexes ``../shared/data/reuters21578`` (unless ``--index`` names a built
index), measures the library's own query rate in this process on the query set
of ``../shared/tools/peers.py`` (``Index.search`` with the facets and the
histogram the API asks for), then starts ``searcher serve`` on a free 127.0.0.1 port and drives
``/api/search`` from a second process: ``--clients`` threads, each with its own
connection, for ``--seconds``. Prints one JSON line per measurement: the
in-process rate, the rates of as many processes as workers searching at once
(added up: what the machine gives that many processes now), requests/s,
p50/p95/p99 latency, errors, and requests/s as a share of both.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query import PEER_QUERIES, REUTERS

SERVE = [sys.executable, "-m", "searcher", "--index"]
CLIENT = [sys.executable, __file__, "--client"]


def _client(url: str, clients: int, seconds: float) -> None:
    """The load: ``clients`` threads asking ``url`` in turn for ``seconds``; prints JSON.

    Each thread keeps one connection of the standard library's ``http.client``:
    the client shares the machine's cores with the server, and httpx cost some
    5 ms of CPU a request, a quarter of what a search costs the server.
    """
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(url)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        mine: list[float] = []
        failed = 0
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        i = offset
        while time.monotonic() < stop:
            text = PEER_QUERIES[i % len(PEER_QUERIES)]
            i += 1
            start = time.perf_counter()
            try:
                connection.request("GET", f"/api/search?q={quote(text)}")
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
            mine.append(time.perf_counter() - start)
            failed += not ok
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(n * 7,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100)
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "requests_per_s": round(len(latencies) / elapsed, 1),
                "p50_ms": round(cuts[49] * 1000, 1),
                "p95_ms": round(cuts[94] * 1000, 1),
                "p99_ms": round(cuts[98] * 1000, 1),
                "errors": errors[0],
            }
        )
    )


def _in_process_rate(index_dir: Path, seconds: float = 10.0) -> float:
    import searcher
    from searcher.web.params import read_search

    asked = [(text, read_search({"q": text}, need_query=True)) for text in PEER_QUERIES]
    with searcher.open_index(index_dir) as ix:
        for text, params in asked:  # warm: postings read once, as a running server has them
            ix.search(text, **params.search_kwargs())
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            text, params = asked[done % len(asked)]
            ix.search(text, **params.search_kwargs())
            done += 1
        return done / (time.perf_counter() - start)


def _rate_of_processes(index_dir: Path, processes: int) -> float:
    """The in-process rates of ``processes`` processes searching at once, added
    up: what this machine gives that many processes now (on a machine others
    load, less than ``processes`` times one process's rate)."""
    command = [sys.executable, __file__, "--rate-of", str(index_dir)]
    running = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(processes)
    ]
    return sum(float(process.communicate()[0]) for process in running)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--index", type=Path, default=None, help="a built Reuters index")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--client", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--rate-of", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        _client(args.client, args.clients, args.seconds)
        return
    if args.rate_of:
        print(_in_process_rate(args.rate_of), flush=True)
        return
    import searcher

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        index_dir = args.index
        if index_dir is None:
            if not REUTERS.exists():
                raise SystemExit(f"{REUTERS} is absent; give --index")
            index_dir = Path(tmp) / "ix"
            with searcher.open_index(index_dir, create=True) as ix:
                ix.update(REUTERS)
        rate = _in_process_rate(index_dir)
        together = _rate_of_processes(index_dir, args.workers)
        print(
            json.dumps(
                {
                    "in_process_queries_per_s": round(rate, 1),
                    "in_process_x_workers_at_once": round(together, 1),
                }
            ),
            flush=True,
        )
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*SERVE, str(index_dir), "serve", "--port", str(port), "--workers", str(args.workers)],
            stderr=subprocess.DEVNULL,
        )
        try:
            import httpx

            for _ in range(600):
                try:
                    if httpx.get(f"{url}/api/search?q=oil", timeout=30).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            load = subprocess.run(
                [*CLIENT, url, "--clients", str(args.clients), "--seconds", str(args.seconds)],
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
        row = json.loads(load.stdout)
        row["workers"] = args.workers
        row["clients"] = args.clients
        row["share_of_workers_at_once"] = round(row["requests_per_s"] / together, 2)
        row["share_of_workers_x_in_process"] = round(
            row["requests_per_s"] / (args.workers * rate), 2
        )
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
