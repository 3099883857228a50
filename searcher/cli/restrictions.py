"""The options that choose which articles a query matches, shared by ``query`` and ``export``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click

import searcher

F = TypeVar("F", bound=Callable[..., Any])


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check a --since/--until value now, so an unreadable date names its option."""
    if value is not None:
        try:
            searcher.date_range(value)
        except searcher.DateError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
    return value


def restriction_options(command: F) -> F:
    """``--since``, ``--until``, ``--sort``, ``--byline``, ``--source``,
    ``--section``, ``--all`` and ``--plain``, passed to the command as one
    ``restrictions`` argument: the keyword arguments of
    :meth:`searcher.Index.search` they stand for (``since``, ``until``,
    ``sort``, ``filters``, ``syntax``, ``match``)."""

    @functools.wraps(command)
    def with_restrictions(*args: Any, **kwargs: Any) -> Any:
        filters = filters_of(kwargs.pop("byline"), kwargs.pop("source"), kwargs.pop("section"))
        kwargs["restrictions"] = {
            "since": kwargs.pop("since"),
            "until": kwargs.pop("until"),
            "sort": kwargs.pop("sort"),
            "filters": filters,
            "syntax": not kwargs.pop("plain"),
            "match": "all" if kwargs.pop("all_words") else "any",
        }
        return command(*args, **kwargs)

    options = [
        click.option(
            "--since", callback=_date_option, help="From this date: 2011-10-17, 2011-10, 2011."
        ),
        click.option(
            "--until", callback=_date_option, help="Through this date (the whole day/month)."
        ),
        click.option(
            "--sort",
            type=click.Choice(["relevance", "newest", "oldest"]),
            default="relevance",
            show_default=True,
            help="Order of the hits: best match first, or by date.",
        ),
        click.option("--byline", help="Only articles whose byline has these words."),
        click.option("--source", help="Only articles from this source, e.g. AFP."),
        click.option("--section", help="Only articles with this section or keyword."),
        click.option(
            "--all", "all_words", is_flag=True, help="Require every word (default: any word)."
        ),
        click.option(
            "--plain",
            is_flag=True,
            help="Read TEXT as words only: no fields, operators or wildcards.",
        ),
    ]
    decorated: Any = with_restrictions
    for option in reversed(options):
        decorated = option(decorated)
    return cast(F, decorated)


def filters_of(byline: str | None, source: str | None, section: str | None) -> dict[str, str]:
    """The ``filters`` argument of :meth:`searcher.Index.search` from the options given."""
    given = (("byline", byline), ("source", source), ("section", section))
    return {name: value for name, value in given if value}


__all__ = ["filters_of", "restriction_options"]
