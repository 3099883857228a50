"""What every response carries, and what no request may exceed.

:class:`Guard` wraps the whole application (error pages included): it refuses
a request whose target (path and query string) is longer than
:data:`MAX_TARGET_BYTES`, or whose headers are longer than
:data:`MAX_HEADER_BYTES`, before anything reads it, and adds
:data:`SECURITY_HEADERS` to every response. (uvicorn's own limit,
``h11_max_incomplete_event_size``, only bounds a request that arrives in pieces.)
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The longest path plus query string a request may have, in bytes (the
#: library's longest query, 4,096 characters, fits when percent-encoded ASCII).
MAX_TARGET_BYTES = 16384
#: The most bytes of request headers, names and values together.
MAX_HEADER_BYTES = 16384

#: No inline script or style, nothing from elsewhere: the pages load only
#: their own CSS, JS and icon, and forms submit only here.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class Guard:
    """ASGI middleware: the size limits on requests, and the security headers.

    :param refuse: the response to a request over a limit, given its path,
        the status and a message.
    """

    def __init__(self, app: ASGIApp, refuse: Callable[[str, int, str], Response]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        problem = oversized(scope)
        if problem:
            status, message = problem
            await self.refuse(scope["path"], status, message)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def oversized(scope: Scope) -> tuple[int, str] | None:
    """The status and message refusing a request over a limit; ``None`` if within them."""
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"])
    if target > MAX_TARGET_BYTES:
        return 414, f"The address is longer than {MAX_TARGET_BYTES} bytes; shorten the query."
    if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
        return 431, f"The request's headers are longer than {MAX_HEADER_BYTES} bytes."
    return None
