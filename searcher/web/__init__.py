"""The web shell: ``searcher serve``, a search site and a JSON API over the library.

Like :mod:`searcher.cli`, it parses (query strings), calls the public library
API, renders (Jinja2 templates, JSON in :mod:`searcher.jsonshape`'s shapes)
and maps errors (to 400/404/503 pages and bodies); it holds no search logic.
It is the only package that imports Starlette, Jinja2 and uvicorn:
:mod:`.app` (routes, error handlers), :mod:`.pages` and :mod:`.api` (the
handlers), :mod:`.params` (query strings), :mod:`.timeline` (counts and SVG),
:mod:`.rendering` (templates, inert text), :mod:`.security` (headers,
limits), :mod:`.openapi`, :mod:`.library` (the open index) and :mod:`.server`
(uvicorn). The CLI imports it only inside ``searcher serve``.
"""

from __future__ import annotations

from searcher.web.app import app_from_environment, create_app
from searcher.web.server import serve

__all__ = ["app_from_environment", "create_app", "serve"]
