"""Answering a query: parse, plan, execute, present.

Layer: above ``store``, ``schema``, ``analysis`` and the floor; beside
``indexing``, which it never imports; below ``index`` and the shells.
"""

from __future__ import annotations

from searcher.query.execute import open_searcher
from searcher.query.search import search
from searcher.query.syntax import apply_exclusions, make_parser

__all__ = ["apply_exclusions", "make_parser", "open_searcher", "search"]
