"""``searcher serve``: the web shell (:mod:`searcher.web`) on uvicorn."""

from __future__ import annotations

import click

import searcher
from searcher.cli import Settings, _errors, cli, index_option, pass_settings


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core; each answers one query at a time).",
)
@index_option
@pass_settings
def serve_command(settings: Settings, host: str, port: int, workers: int | None) -> None:
    """Serve the index as a search site and a JSON API, until Ctrl-C.

    Pages: / (search), /article/ID, /stats; API: /api/search?q=..., /api/article/ID,
    /api/similar/ID, /api/stats, /api/health, described by /openapi.json.
    New commits of `searcher index` are seen on the next request.

    \b
    Example:
        searcher serve
        searcher serve --port 8080 --workers 4
    """
    from searcher.web import server

    with _errors(), searcher.open_index(settings.index_dir, mmap=False) as ix:
        articles = len(ix)
    if not server.is_loopback(host):
        click.echo(
            f"searcher: warning: listening on {host}: anyone who can reach port {port} "
            f"can read the index.",
            err=True,
        )
    workers = workers or server.default_workers()
    click.echo(
        f"searcher: serving {articles} articles from {settings.index_dir}/ on "
        f"http://{host}:{port}/ ({workers} worker{'s' if workers > 1 else ''}); Ctrl-C stops.",
        err=True,
    )
    server.serve(settings.index_dir, host=host, port=port, workers=workers)
