"""A wall-clock budget for work that cannot bound itself, such as a Whoosh search.

>>> with time_budget(5):
...     sum(range(10))
45
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from searcher.errors import QueryError


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so no ``except Exception`` inside
    Whoosh swallows it."""


#: How deep the running code is in :func:`uninterrupted` blocks, and whether
#: the alarm rang inside one (it is then raised when the outermost ends).
_DEFERRED = {"depth": 0, "rang": False}


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold off a budget's alarm until the enclosed work ends, then stop as the
    budget would have. For work that must not be cut in half, such as an
    import: a module stopped mid-import stays half-loaded for the rest of the
    process (nltk then fails every later query)."""
    _DEFERRED["depth"] += 1
    try:
        yield
    finally:
        _DEFERRED["depth"] -= 1
    if not _DEFERRED["depth"] and _DEFERRED["rang"]:
        _DEFERRED["rang"] = False
        raise _OutOfTime


@contextmanager
def time_budget(seconds: float, *, what: str = "The query") -> Iterator[None]:
    """Stop the enclosed work after ``seconds`` of wall-clock time.

    Uses ``SIGALRM`` (``setitimer``), so it interrupts Python code anywhere,
    in term expansion, regular expressions and highlighting too. Signals only
    reach the main thread: in other threads, and where ``setitimer`` is missing
    (Windows), the block runs unbudgeted and the limits of
    :func:`searcher.query.checks.check_query` are the only bound. A handler and timer
    already set are restored afterwards.

    :raises QueryError: the work took longer than ``seconds``.
    """
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    armed = [True]

    def on_alarm(signum: int, frame: FrameType | None) -> Any:
        if armed[0] and _DEFERRED["depth"]:
            _DEFERRED["rang"] = True
        elif armed[0]:
            raise _OutOfTime

    # None: the previous handler was not set from Python; restore the default.
    previous_handler = signal.signal(signal.SIGALRM, on_alarm) or signal.SIG_DFL
    previous_timer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield
        finally:
            armed[0] = False
            _DEFERRED["rang"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _OutOfTime:
        raise QueryError(
            f"{what} took longer than {seconds:g} s and was stopped; "
            f"make it more specific (fewer wildcards, fewer words)."
        ) from None
    finally:
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, *previous_timer)
