"""Errors as responses: a JSON body under ``/api/``, a page in the site's style elsewhere.

Library errors are mapped by type (a query that cannot run is a 400 naming
``q``, an unknown article a 404, an index that cannot be read a 503 saying
what to run); anything else is a 500 that says only that it happened: the
traceback goes to the server's log, never to the client.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

import searcher
from searcher.text.safety import safe_text
from searcher.web.params import BadParameter
from searcher.web.rendering import render

LOGGER = logging.getLogger(__name__)

TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    414: "Request too long",
    431: "Request headers too long",
    500: "Server error",
    503: "Index unavailable",
}


class Json(JSONResponse):
    """JSON with non-ASCII characters escaped: text that is not valid Unicode
    (a lone surrogate) is still valid JSON."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


def error_response(path: str, status: int, message: str, parameter: str | None = None) -> Response:
    """The response to a failed request for ``path``."""
    message = safe_text(message)
    if path.startswith("/api/") or path == "/openapi.json":
        return Json({"error": message, "parameter": parameter, "status": status}, status)
    title = TITLES.get(status, "Error")
    return render("error.html", status, title=title, message=message, code=status, q="")


def status_of(exc: searcher.SearcherError) -> int:
    """The HTTP status of a library error."""
    if isinstance(exc, searcher.QueryError):
        return 400
    if isinstance(exc, searcher.ArticleNotFoundError):
        return 404
    if isinstance(exc, searcher.IngestError | searcher.FolderNotEmptyError):
        return 500
    return 503  # the index: missing, busy, damaged, from another version


async def bad_parameter(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadParameter)
    return error_response(request.url.path, 400, str(exc), exc.parameter)


async def library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, searcher.SearcherError)
    status = status_of(exc)
    parameter = "q" if status == 400 else None
    message = str(exc)
    if isinstance(exc, searcher.ArticleNotFoundError):
        message = "No article with this id in the index."
    return error_response(request.url.path, status, message, parameter)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "There is no page at this address.", 405: "This address only answers GET."}
    text = message.get(exc.status_code, str(exc.detail))
    response = error_response(request.url.path, exc.status_code, text)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    LOGGER.error("%s failed", request.url.path, exc_info=exc)
    return error_response(
        request.url.path, 500, "Something went wrong on the server; its log says what."
    )


HANDLERS = {
    BadParameter: bad_parameter,
    searcher.SearcherError: library_error,
    HTTPException: http_error,
    Exception: server_error,
}
