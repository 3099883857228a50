"""Leftovers of the old clauses module, moving to the execute and present stages."""

from __future__ import annotations

import logging
import re

from whoosh import query as wq
from whoosh.util.times import long_to_datetime

LOGGER = logging.getLogger(__name__)


def explain(query: wq.Query | None) -> str:
    """Return the query as text, with date ranges shown as ISO dates (and a
    range past the first or last date there is, ``date:>9999-12-31``, as ``NOTHING``)."""
    if query is None:
        return ""

    def iso(match: re.Match[str]) -> str:
        ends = [long_to_datetime(int(g)).isoformat() if g else "" for g in match.groups()]
        return f"date:[{ends[0]} TO {ends[1]}]"

    text = str(query).replace(str(wq.NullQuery), "NOTHING")
    return re.sub(r"date:\[(\d*) TO (\d*)\]", iso, text)
