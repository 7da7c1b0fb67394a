"""``ceatlas serve``: run the web application (pages and JSON API) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from ceatlas.cli.common import err, fail, services
from ceatlas.db import migrate


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (use several with PostgreSQL).", min=1)
    ] = 1,
) -> None:
    """Serve the web pages and the JSON API (/api/v1, docs at /docs); migrates first."""
    import uvicorn

    with services() as built:
        migrate(built.engine)
        backend = built.engine.url.get_backend_name()
        url = built.settings.resolved_database_url
    if workers > 1 and backend == "sqlite":
        err.print(
            "note: several workers on SQLite share one database file; "
            "PostgreSQL is the better choice for that.",
            soft_wrap=True,
        )
    err.print(f"CE Atlas on http://{host}:{port}/ (database: {_redacted(url)})", soft_wrap=True)
    try:
        uvicorn.run(
            "ceatlas.web.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            server_header=False,
            log_level="info",
        )
    except OSError as error:
        raise fail(f"cannot serve on {host}:{port}: {error}") from None


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
