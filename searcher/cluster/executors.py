"""Where the shards' work runs: the executor a sharded index hands each phase to.

An executor runs one call per shard and returns their answers in shard order,
within a deadline. :class:`LocalExecutor` is a pool of processes on this
machine (the default); :mod:`searcher.cluster.dask_executor` runs the same calls
on a Dask cluster.

Imports the floor (``errors``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing import connection
from typing import Any, Protocol

from searcher.errors import SearcherError

#: Seconds a whole scatter-gather may take before it is given up.
DEFAULT_DEADLINE = 60.0


class ShardError(SearcherError):
    """A shard could not answer (it cannot be opened, or its worker was lost)."""

    def __init__(self, shard: str, reason: str) -> None:
        self.shard = shard
        super().__init__(f"shard {shard}: {reason}")


class Executor(Protocol):
    #: Whether the work runs on other machines (shards then build at once).
    remote: bool

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        deadline: float | None,
        *,
        long: bool = False,
    ) -> list[Any]:
        """``[fn(*args) for args in calls]``, run on the workers; the answers in
        order, within ``deadline`` seconds (``None``: no limit). ``long``: work
        of minutes or hours (shard builds), which a cluster schedules as tasks."""
        ...

    def close(self) -> None: ...


class LocalExecutor:
    """A pool of ``workers`` processes on this machine (default: one a shard, at
    most one a core), started on first use. Each shard is pinned to one process
    (shard ``i`` to process ``i % workers``), which opens it once and keeps it:
    a round sends each process one message with all its shards' calls, as the
    Dask executor's actors do.

    Each process is a :class:`_Host` on a pipe: the pool starts no thread in
    this process, so that forking one is safe. A process forked while another
    thread holds a lock (a logging or allocator lock) can hang for ever; when
    this process runs other threads (a web server's, a Dask client's), the
    processes start from a fork server instead.
    """

    remote = False

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._hosts: dict[int, _Host] = {}
        self._pins = Pins()

    def _host(self, number: int) -> _Host:
        host = self._hosts.get(number)
        if host is None or not host.alive():
            if host is not None:
                host.stop()
            host = self._hosts[number] = _Host()
        return host

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        deadline: float | None,
        *,
        long: bool = False,
    ) -> list[Any]:
        if self.workers == 1 and len(calls) == 1:  # one shard: no process to cross
            return [fn(*calls[0])]
        shares = self._pins.hosts(calls, self.workers)
        for attempt in (1, 2):
            hosts = {number: self._host(number) for number in shares}
            for number, which in shares.items():
                hosts[number].send(fn, [calls[n] for n in which])
            answered, late, lost = _gather(hosts, deadline)
            if late:
                for number in late:  # still at work: it cannot take the next round
                    self._hosts.pop(number).stop()
                raise SearcherError(
                    f"{sum(len(shares[n]) for n in late)} of {len(calls)} shards did not "
                    f"answer within {deadline or 0:g} s; try again, or raise the deadline"
                )
            if not lost:
                answers: list[Any] = [None] * len(calls)
                for number, found in answered.items():
                    for call, answer in zip(shares[number], found, strict=True):
                        answers[call] = answer
                return answers
            # A process died (killed, out of memory): start it again, run the round again once.
            for number in lost:
                self._hosts.pop(number).stop()
            if attempt == 2:
                raise SearcherError(
                    f"the process searching {len(shares[lost[0]])} of {len(calls)} shards "
                    f"died twice; see the system log (out of memory?) and try again"
                )
        raise AssertionError("unreachable")

    def close(self) -> None:
        for host in self._hosts.values():
            host.stop()
        self._hosts.clear()


class _Host:
    """One pool process, answering ``(fn, calls)`` messages on a pipe."""

    def __init__(self) -> None:
        # fork: a process starts in milliseconds, with the library already imported.
        method = "fork" if threading.active_count() == 1 else "forkserver"
        context: Any = multiprocessing.get_context(method)
        if method == "forkserver":  # its processes start with the library imported
            context.set_forkserver_preload(["searcher.cluster.worker"])
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()

    def send(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> None:
        with contextlib.suppress(OSError):  # died between rounds: _gather finds it lost
            self.conn.send((fn, calls))

    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _gather(
    hosts: dict[int, _Host], deadline: float | None
) -> tuple[dict[int, list[Any]], list[int], list[int]]:
    """Each host's answers, within ``deadline``: (answers by host, the hosts
    still at work when it passed, the hosts whose process died). An error a
    call raised is raised here once every host has answered."""
    waiting: dict[Any, int] = {host.conn: number for number, host in hosts.items()}
    answered: dict[int, list[Any]] = {}
    lost: list[int] = []
    failed: dict[int, BaseException] = {}
    ends = None if deadline is None else time.monotonic() + deadline
    while waiting:
        ready = connection.wait(list(waiting), timeout=time_left(ends))
        if not ready:
            break
        for conn in ready:
            number = waiting.pop(conn)
            try:
                ok, found = _receive(conn)
            except (EOFError, OSError):
                lost.append(number)
                continue
            answered[number] = found if ok else [found]
            if not ok:
                failed[number] = found
    if failed and not waiting and not lost:  # every pipe read: the next round starts clean
        raise failed[min(failed)]
    return answered, sorted(waiting.values()), sorted(lost)


def _receive(conn: Any) -> tuple[bool, Any]:
    """A host's answer: (True, the answers) or (False, the error raised)."""
    ok, found = conn.recv()
    return bool(ok), found


def _serve(conn: Any) -> None:
    """A pool process: run each message's calls, send back the answers (or the
    error they raised), until the pipe closes."""
    while True:
        try:
            fn, calls = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        answer: tuple[bool, Any]
        try:
            answer = (True, run_calls(fn, calls))
        except Exception as exc:  # raised again in the process that asked
            answer = (False, _portable(exc))
        try:
            conn.send(answer)
        except (OSError, KeyboardInterrupt):
            return
        except Exception as exc:  # an answer or an error that cannot be pickled
            conn.send((False, SearcherError(f"a shard's answer could not be sent back: {exc}")))


class Pins:
    """Which worker each shard's calls go to: the ``i``-th shard seen (a sharded
    index's first round names them all, in order) to worker ``i % workers``, so
    that each worker opens only its own shards."""

    def __init__(self) -> None:
        self._seen: dict[Any, int] = {}

    def hosts(self, calls: Sequence[tuple[Any, ...]], workers: int) -> dict[int, list[int]]:
        """The calls (by number) each of ``workers`` workers runs: those of the
        shards pinned to it (a shard is every call's first argument)."""
        hosts: dict[int, list[int]] = {}
        for number, args in enumerate(calls):
            seen = self._seen.setdefault(args[0], len(self._seen))
            hosts.setdefault(seen % workers, []).append(number)
        return hosts


def run_calls(fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
    """``[fn(*args) for args in calls]``: one process's (or worker's) share of a round."""
    return [fn(*args) for args in calls]


def _portable(exc: Exception) -> Exception:
    """``exc``, or a :class:`SearcherError` saying it when it cannot cross a pipe."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return SearcherError(str(exc))
    return exc


def time_left(ends: float | None) -> float | None:
    """Seconds until ``ends`` (a :func:`time.monotonic` time; ``None``: no limit), at least 0."""
    return None if ends is None else max(0.0, ends - time.monotonic())


def default_workers(shards: int) -> int:
    return max(1, min(shards, os.cpu_count() or 1))
