"""What callers hand the library: where the index lives (an explicit path, else
``$SEARCHER_INDEX``, else ``index/``), and checks of the arguments the public
functions take.

A wrong type is programmer misuse, so it raises :class:`ArgumentTypeError` (a
``TypeError``; a value out of range :class:`ArgumentError`, a ``ValueError``)
at the door, with a message naming the parameter and what it takes, instead of
an ``AttributeError`` from deep inside.

>>> as_path("corpus/feeds", "path")
PosixPath('corpus/feeds')
>>> require_count("3", "limit")
Traceback (most recent call last):
    ...
searcher.ArgumentTypeError: limit must be an int of at least 1, not str
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from searcher.errors import ArgumentError, ArgumentTypeError
from searcher.models import Article

DEFAULT_INDEX_DIR = Path("index")
#: The Dask scheduler a sharded index is searched on, when no ``--cluster`` is given.
CLUSTER_ENVVAR = "SEARCHER_CLUSTER"
INDEX_ENVVAR = "SEARCHER_INDEX"


def resolve_index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the index folder to use.

    :param explicit: a path the caller chose; wins over the environment.
    """
    if explicit is not None:
        return Path(explicit)
    from_env = os.environ.get(INDEX_ENVVAR)
    if from_env:
        return Path(from_env)
    return DEFAULT_INDEX_DIR


T = TypeVar("T")

#: What a path parameter takes, for messages.
PATH = "a path (str or os.PathLike)"


def _kind(value: object) -> str:
    return "None" if value is None else type(value).__name__


def require(value: T, name: str, kind: type | tuple[type, ...], what: str) -> T:
    """Return ``value`` if it is an instance of ``kind``.

    :param what: what the parameter takes, in words: ``"a str"``.
    :raises TypeError: it is not.
    """
    if not isinstance(value, kind):
        raise ArgumentTypeError(f"{name} must be {what}, not {_kind(value)}")
    return value


def require_flag(value: object, name: str) -> bool:
    """Return ``value`` if it is a bool. :raises TypeError: it is not."""
    return require(value, name, bool, "True or False")  # type: ignore[return-value]


def require_count(value: object, name: str) -> int:
    """Return ``value`` if it is an int of at least 1 (not a bool).

    :raises TypeError: it is not an int.
    :raises ValueError: it is below 1.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{name} must be an int of at least 1, not {_kind(value)}")
    if value < 1:
        raise ArgumentError(f"{name} must be at least 1, not {value}")
    return value


def as_path(value: object, name: str) -> Path:
    """Return ``value``, a ``str`` or ``os.PathLike`` of one, as a :class:`Path`.

    :raises TypeError: it is neither (bytes paths included).
    """
    if isinstance(value, str | os.PathLike):
        path = os.fspath(value)
        if isinstance(path, str):
            return Path(path)
    raise ArgumentTypeError(f"{name} must be {PATH}, not {_kind(value)}")


def as_paths(values: Iterable[object], name: str) -> list[Path]:
    """The paths of several ``name`` arguments (``*corpus``), each checked as :func:`as_path`."""
    return [as_path(value, name) for value in values]


def require_articles(articles: Iterable[Article]) -> Iterator[Article]:
    """``articles``, each checked as it is read (they may come from a generator)."""
    if isinstance(articles, str | bytes | Article) or not isinstance(articles, Iterable):
        raise ArgumentTypeError(
            f"articles must be an iterable of Article, not {type(articles).__name__}"
        )

    def checked() -> Iterator[Article]:
        for number, article in enumerate(articles):
            if not isinstance(article, Article):
                raise ArgumentTypeError(
                    f"articles must be an iterable of Article; item {number} is a "
                    f"{type(article).__name__}"
                )
            yield article

    return checked()
