"""The ``searcher`` command: thin shells over the library.

Each command parses options, calls one library function, renders the result,
and maps :class:`~searcher.errors.SearcherError` to a one-line error. This
package is the only place that imports click: the group and shared options
are here, the commands in :mod:`.indexing_commands`, :mod:`.reading_commands`
and :mod:`.export_command`, the terminal rendering in :mod:`.render`, and the
formats for programs (JSON, CSV, TREC...) in :mod:`.formats`.

Exit codes, as grep's and ripgrep's: 0 when something was found (or done), 1
when nothing was (no hits; ``verify`` or ``stats`` found damage; ``index``
skipped a file), 2 for an error (a bad option or query, no index...), 130 when
interrupted by Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

import searcher
from searcher.config import CLUSTER_ENVVAR, INDEX_ENVVAR
from searcher.text.safety import SafeFormatter, safe_text

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

#: Exit codes: something found, nothing found, an error, interrupted (128 + SIGINT).
FOUND, NOT_FOUND, ERROR, INTERRUPTED = 0, 1, 2, 130

F = TypeVar("F", bound=Callable[..., Any])


class SearcherProblem(click.ClickException):
    """A library error, shown as one line: exit code 2, as for a usage error."""

    exit_code = ERROR


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one-line click errors (no traceback)."""
    try:
        yield
    except searcher.SearcherError as exc:
        raise SearcherProblem(safe_text(str(exc))) from exc


class Settings:
    """Group-level options, shared with every command."""

    def __init__(
        self, index_dir: Path, cluster: str | None = None, allow_partial: bool = False
    ) -> None:
        self.index_dir = index_dir
        self.cluster = cluster
        self.allow_partial = allow_partial

    def open_index(self) -> searcher.Index | searcher.ShardedIndex:
        """The index to read, plain or sharded (then on ``--cluster`` when given)."""
        return searcher.open_index(
            self.index_dir, mmap=False, cluster=self.cluster, allow_partial=self.allow_partial
        )


pass_settings = click.make_pass_decorator(Settings)


def _subcommand_index(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """``--index`` given after the subcommand wins over the group's."""
    if value is not None:
        ctx.ensure_object(Settings).index_dir = value


def index_option(command: F) -> F:
    """The ``--index`` option, accepted after any subcommand too."""
    return click.option(
        "--index",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_subcommand_index,
        help=f"Folder of the index  [default: ${INDEX_ENVVAR}, else index]",
    )(command)


class SearcherGroup(click.Group):
    """The group: Ctrl-C ends a command with exit code 130 and says what a re-run does."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(
                "\nInterrupted. What was committed is kept: run the same command again "
                "to resume (an indexing run picks up where it stopped).",
                err=True,
            )
            raise click.exceptions.Exit(INTERRUPTED) from None


def use_color(choice: str) -> bool:
    """Whether to colour stdout: ``always``, ``never``, or ``auto`` (a terminal,
    and no ``NO_COLOR`` in the environment, as https://no-color.org asks)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def color_option(command: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour the output: auto means on a terminal, unless NO_COLOR is set.",
    )(command)


@click.group(cls=SearcherGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="index",
    show_default=True,
    envvar=INDEX_ENVVAR,
    show_envvar=True,
    help="Folder of the index (also accepted after the subcommand).",
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
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Search a sharded index without the shards that cannot be opened (the results name them).",
)
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
@click.version_option(package_name="searcher")
@click.pass_context
def cli(
    ctx: click.Context, index_dir: Path, cluster: str | None, allow_partial: bool, verbose: int
) -> None:
    """Full-text search over news articles.

    Exit codes: 0 found, 1 nothing found (or damage found, or a file
    skipped), 2 error, 130 interrupted.

    \b
    Example:
        searcher index corpus/
        searcher query legal immunity
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("searcher: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    ctx.obj = Settings(index_dir, cluster or None, allow_partial)


# Registers the commands on the group above.
from searcher.cli import (  # noqa: E402
    evaluation_commands,
    export_command,
    indexing_commands,
    reading_commands,
    serve_command,
)

__all__ = [
    "cli",
    "evaluation_commands",
    "export_command",
    "indexing_commands",
    "reading_commands",
    "serve_command",
]
