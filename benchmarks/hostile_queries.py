"""Run hostile queries through the ``searcher query`` command and time each one.

Acceptance check of issue #6: on a large index (the 21,578 Reuters stories)
no query prints a traceback, takes over 10 s, or exits other than 0, 1 or 2,
and no ESC byte reaches the output.

Usage::

    python benchmarks/hostile_queries.py --index reuters-index [--timeout 30] [--command CMD]

Prints one line per query (seconds, exit code, flags, the last stderr line)
and exits 1 when any query breaks a rule.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time

#: Each query arrives as one argv string, so NUL cannot be among them.
HOSTILE_QUERIES = [
    "NOT NOT ", "x ANDNOT ANDMAYBE ", "date:[yesterday TO]", "(" * 1000 + "oil" + ")" * 1000,
    "?*", "*a*", "oil~3", "a" * 80_000, "a NOT", "a AND OR b", '"a', '"oil prices', "oil)",
    "(oil", "AND", "OR oil", "NOT", "- oil", "oil +", "nosuch:oil", "title:", "*", "*ing", "t*",
    "oil^1e308", "oil^99999999999999999999", "[a TO]", "{a TO z}", "[ TO ]", "title:[a TO",
    "date:junk", "date:[a TO]", " ".join(f"w{i}" for i in range(10_000)),
    " ".join(["oil"] * 600), "\x1b[31moil", "oil\x07", "\u202eoil", "😀", "😀 oil", "نفط oil",
    "the of a", "oil~2", "o~2", "oil~2/1", "oil~9", "coffee~1", 'r"oi.*"', 'r"(a|aa)*c"',
    'r"[z-a]"', "oil AND (gas OR crude) NOT opec", '"crude oil"~5', "keywords:*", "*:*",
    "title:(oil gas)", "oil" + "~" * 100, "\\", "'oil",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True, help="index folder to query")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a kill")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds a query may take")
    parser.add_argument(
        "--command",
        default=f"{sys.executable} -m searcher",
        help="how to run searcher (default: this Python's -m searcher)",
    )
    args = parser.parse_args()
    env = dict(os.environ, SEARCHER_INDEX=args.index)
    broken = 0
    worst = 0.0
    for text in HOSTILE_QUERIES:
        command = [*shlex.split(args.command), "query", "--", text]
        started = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, env=env, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            seconds = time.perf_counter() - started
            print(f"{seconds:6.2f}s KILLED {text[:30]!r}")
            broken += 1
            continue
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        flags = [
            flag
            for flag, bad in (
                ("TRACEBACK", b"Traceback" in done.stderr),
                ("ESC", b"\x1b" in done.stdout + done.stderr),
                ("SLOW", seconds > args.limit),
                ("EXIT", done.returncode not in (0, 1, 2)),
            )
            if bad
        ]
        broken += bool(flags)
        last = (done.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
        shown = f"{text[:30]!r:34}"
        print(f"{seconds:6.2f}s exit={done.returncode} {' '.join(flags):9} {shown} {last[:100]}")
    print(f"{len(HOSTILE_QUERIES)} queries, worst {worst:.2f} s, {broken} broke a rule")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
