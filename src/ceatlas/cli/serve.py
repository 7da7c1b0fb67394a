"""``ceatlas serve``: run the web application (pages and JSON API) with uvicorn."""

from __future__ import annotations

import inspect
import os
from typing import Annotated, Any

import typer

from ceatlas.cli.common import err, fail, services
from ceatlas.config import ConfigError
from ceatlas.db import migrate

WORKER_STARTUP_SECONDS = 60


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (use several with PostgreSQL).", min=1)
    ] = 1,
) -> None:
    """Serve the web pages and the JSON API (/api/v1, docs at /docs); migrates first."""
    import uvicorn

    from ceatlas.web.logs import log_config

    with services() as built:
        try:
            built.settings.session_secret()  # production refuses a missing or default key
        except ConfigError as error:
            raise fail(str(error)) from None
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
    if not os.environ.get("CEATLAS_PUBLIC_URL"):
        # Links in e-mails point here unless the site's public address is configured.
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        os.environ["CEATLAS_PUBLIC_URL"] = f"http://{shown}:{port}"
        err.print(
            f"note: links in e-mails use {os.environ['CEATLAS_PUBLIC_URL']}; set "
            "CEATLAS_PUBLIC_URL to the address people reach the site at",
            soft_wrap=True,
        )
    extra: dict[str, Any] = {}
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
        # Newer uvicorn restarts workers that do not answer within 5 s; a worker's first
        # start (imports, knowledge base) can take longer than that on a slow machine.
        extra["timeout_worker_healthcheck"] = WORKER_STARTUP_SECONDS
    try:
        uvicorn.run(
            "ceatlas.web.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # X-Forwarded-For is read by the app, from CEATLAS_TRUSTED_PROXIES only.
            proxy_headers=False,
            server_header=False,
            log_level="info",
            log_config=log_config(),  # no private query strings in the access log
            **extra,
        )
    except OSError as error:
        raise fail(f"cannot serve on {host}:{port}: {error}") from None


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
