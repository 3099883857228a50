"""``python -m searcher``."""

from searcher.cli import cli

cli(prog_name="searcher")
