"""The server's access log without private query strings.

uvicorn logs every request line, query string included. For the private parts of the site
(a therapist's record and plan, a provider's area, administration, sign-in, password
reset and address links, unsubscribe links, calendar and saved-search feeds, and the
recommendations page) :class:`PrivateQueryFilter` replaces the query string with ``?…``,
so nothing a person typed there, and no one-time link or feed address, reaches the log;
public pages (search, directories, the knowledge base) keep theirs. :func:`log_config` is
uvicorn's own logging setup with the filter on its access logger.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

PRIVATE_PREFIXES = (
    "/me",
    "/provider/",
    "/admin",
    "/recommend",
    "/login",
    "/logout",
    "/signup",
    "/password",
    "/account",
    "/unsubscribe",
    "/calendar",
    "/feeds",
    "/api/v1/me",
    "/api/v1/provider/",
    "/api/v1/admin",
    "/api/v1/recommend",
)


def is_private(path: str) -> bool:
    """True for a path under one of :data:`PRIVATE_PREFIXES` (``/provider`` itself too)."""
    return path == "/provider" or path.startswith(PRIVATE_PREFIXES)


class PrivateQueryFilter(logging.Filter):
    """Drops the query string of a private path from uvicorn's access log records
    (``args``: client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, mark, _ = args[2].partition("?")
            if mark and is_private(path):
                record.args = (*args[:2], f"{path}?\u2026", *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with :class:`PrivateQueryFilter` on the
    access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["private_queries"] = {"()": PrivateQueryFilter}
    config["handlers"]["access"].setdefault("filters", []).append("private_queries")
    return config
