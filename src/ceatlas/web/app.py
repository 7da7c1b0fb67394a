"""``create_app(settings)``: the FastAPI application (HTML pages and the JSON API)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles

from ceatlas.catalog.scratch import sweep
from ceatlas.config import Settings, load_settings
from ceatlas.db import make_engine
from ceatlas.kb import load_kb
from ceatlas.mail import mailer_for
from ceatlas.search import SearchService
from ceatlas.web import errors, openapi
from ceatlas.web.context import WebContext
from ceatlas.web.security import SecurityHeaders
from ceatlas.web.templating import STATIC_DIR, build_templates

API_DESCRIPTION = """\
Search continuing-education courses for US massage therapists, and read courses, sessions,
providers, programs and the knowledge base (conditions, techniques, pathways, ...).

Every error is `{"error": {"message": ..., "field": ...}}`: 404 for an unknown id, 422 for an
invalid parameter (the field is named), 400 for a query that cannot run (an unknown place).
"""
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def create_app(settings: Settings) -> FastAPI:
    """Build the application for ``settings``: engine, knowledge base, routes, handlers."""
    from ceatlas.web import auth
    from ceatlas.web.api import router as api_router
    from ceatlas.web.pages import router as pages_router
    from ceatlas.web.pages.admin_approvals import router as approvals_router

    settings.session_secret()  # refuses a missing or default secret in production, first
    engine = make_engine(settings.resolved_database_url)
    kb = load_kb(settings.kb_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sweep()  # scratch folders a killed process left behind
        yield
        engine.dispose()

    app = FastAPI(
        title="CE Atlas",
        version="1",
        summary="Continuing education for massage therapists",
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
        dependencies=[Depends(errors.ids_in_range)],
    )
    app.state.ceatlas = WebContext(
        settings=settings,
        engine=engine,
        kb=kb,
        templates=build_templates(),
        search=SearchService(engine, kb),
        mailer=mailer_for(settings),
    )
    auth.install(app, settings)
    app.add_middleware(SecurityHeaders, hsts=settings.mode == "production")
    errors.install(app)

    @app.get("/healthz", include_in_schema=False, response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title="CE Atlas API")
        body = bytes(page.body).decode()
        # Swagger UI needs its inline start-up script and its CDN: allow exactly those here.
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in _SCRIPT.findall(body)
        )
        cdn = "https://cdn.jsdelivr.net"
        page.headers["content-security-policy"] = (
            f"default-src 'self'; script-src 'self' {cdn} {hashes}; style-src 'self' {cdn}; "
            "img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'"
        )
        return page

    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(approvals_router)
    openapi.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (each worker process reads ``CEATLAS_*``)."""
    return create_app(load_settings())
