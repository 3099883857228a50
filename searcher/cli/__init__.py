"""The ``searcher`` command: thin shells over the library.

Each command parses options, calls one library function, renders the result,
and maps :class:`~searcher.errors.SearcherError` to a one-line error. This
package is the only place that imports click: the group and shared options
are here, the commands in :mod:`.indexing_commands` and :mod:`.reading_commands`,
and the terminal and JSON rendering in :mod:`.render`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

import searcher
from searcher.config import CLUSTER_ENVVAR, INDEX_ENVVAR
from searcher.text.safety import SafeFormatter, safe_text

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class QueryProblem(click.ClickException):
    """A query we cannot run: one line, exit code 2 like other usage errors."""

    exit_code = 2


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one-line click errors (no traceback)."""
    try:
        yield
    except searcher.QueryError as exc:
        raise QueryProblem(safe_text(str(exc))) from exc
    except searcher.SearcherError as exc:
        raise click.ClickException(safe_text(str(exc))) from exc


class Settings:
    """Group-level options, shared with every command."""

    def __init__(self, index_dir: Path, cluster: str | None = None) -> None:
        self.index_dir = index_dir
        self.cluster = cluster

    def open_index(self) -> searcher.Index | searcher.ShardedIndex:
        """The index to read, plain or sharded (then on ``--cluster`` when given)."""
        return searcher.open_index(self.index_dir, mmap=False, cluster=self.cluster)


pass_settings = click.make_pass_decorator(Settings)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="index",
    show_default=True,
    envvar=INDEX_ENVVAR,
    show_envvar=True,
    help="Folder of the index.",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    default=None,
    envvar=CLUSTER_ENVVAR,
    show_envvar=True,
    help="Build and search a sharded index on the Dask cluster whose scheduler is "
    "at ADDRESS (tcp://HOST:8786); the shards must be on storage every worker reads.",
)
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
@click.version_option(package_name="searcher")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path, cluster: str | None, verbose: int) -> None:
    """Full-text search over news articles.

    \b
    Example:
        searcher index corpus/
        searcher query "legal immunity"
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("searcher: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    ctx.obj = Settings(index_dir, cluster or None)


# Registers the commands on the group above.
from searcher.cli import (  # noqa: E402
    evaluation_commands,
    indexing_commands,
    reading_commands,
    serve_command,
)

__all__ = ["cli", "evaluation_commands", "indexing_commands", "reading_commands", "serve_command"]
