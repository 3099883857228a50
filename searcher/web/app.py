"""The web application: pages, the JSON API, static files, error pages, guards.

:func:`create_app` makes it for one index; :func:`app_from_environment` is the
factory uvicorn's worker processes call (the index folder comes from
``$SEARCHER_INDEX``, as for the CLI). Starlette rather than FastAPI: the
shapes of the API are :mod:`searcher.jsonshape`'s, shared with the CLI, so
there is nothing for pydantic models to add but a second copy of them (and
its validation cost on every response); the OpenAPI document is written out
in :mod:`.openapi` and checked by the tests.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

import searcher
from searcher.config import INDEX_ENVVAR, resolve_index_dir
from searcher.web import api, pages
from searcher.web.errors import HANDLERS, error_response
from searcher.web.library import Library
from searcher.web.security import Guard


@asynccontextmanager
async def warmed(app: Starlette) -> AsyncIterator[None]:
    """Load the analyzers (NLTK's stemmer) before the first request: its import
    takes seconds on a loaded machine, and inside a query's time budget it
    would be the first query's (and could stop it half done)."""
    searcher.analyze_text("warm up")
    yield
    app.state.library.close()


def create_app(index_dir: Path | str | None = None) -> Guard:
    """The application serving the index at ``index_dir`` (default as the CLI's).

    The index is opened on the first request, so the app can start before
    there is one (its pages then say to run ``searcher index``).
    """
    folder = resolve_index_dir(None if index_dir is None else Path(index_dir))
    static = StaticFiles(packages=[("searcher.web", "static")])
    app = Starlette(
        routes=[*pages.ROUTES, *api.ROUTES, Mount("/static", static, name="static")],
        exception_handlers=dict(HANDLERS),
        lifespan=warmed,
    )
    app.state.library = Library(folder)

    return Guard(app, error_response)


def app_from_environment() -> Guard:
    """The application for ``$SEARCHER_INDEX`` (uvicorn's factory in each worker)."""
    return create_app(os.environ.get(INDEX_ENVVAR))
