"""``ceatlas serve``: migrates the database, then runs uvicorn with the app factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from ceatlas.cli.serve import serve
from ceatlas.db import current_revisions, head_revisions, make_engine


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(serve)
    return app


def test_serve_migrates_then_runs_uvicorn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("CEATLAS_DATABASE_URL", url)
    monkeypatch.setenv("CEATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CEATLAS_PUBLIC_URL", "")  # unset for serve; restored afterwards

    result = CliRunner().invoke(_app(), [])
    assert result.exit_code == 0, result.output
    # without a configured public address, e-mail links point where the site is served
    assert os.environ["CEATLAS_PUBLIC_URL"] == "http://127.0.0.1:8000"
    assert "links in e-mails use http://127.0.0.1:8000" in result.output
    engine = make_engine(url)
    try:
        assert current_revisions(engine) == head_revisions()
    finally:
        engine.dispose()
    ((args, kwargs),) = calls
    assert args == ("ceatlas.web.app:create_app_from_env",)
    assert kwargs["factory"] is True
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("127.0.0.1", 8000, 1)

    calls.clear()
    result = CliRunner().invoke(_app(), ["--host", "0.0.0.0", "--port", "9001", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert (calls[0][1]["host"], calls[0][1]["port"], calls[0][1]["workers"]) == (
        "0.0.0.0",
        9001,
        3,
    )


def test_serve_rejects_bad_port(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CEATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = CliRunner().invoke(_app(), ["--port", "70000"])
    assert result.exit_code != 0


def test_access_log_leaves_out_private_query_strings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The configuration serve gives uvicorn logs a search's query string, but not what
    someone typed on a private page (a CE record, sign-in, recommendations)."""
    import logging.config

    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    monkeypatch.setenv("CEATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'log.db'}")
    monkeypatch.setenv("CEATLAS_DATA_DIR", str(tmp_path / "data"))
    assert CliRunner().invoke(_app(), []).exit_code == 0
    logging.config.dictConfig(calls[0]["log_config"])
    access = logging.getLogger("uvicorn.access")
    line = '%s - "%s %s HTTP/%s" %d'
    for path in (
        "/?q=sciatica&near=33602",
        "/me/ce?entry=12&title=Ethics",
        "/login?next=/me/plan",
        "/api/v1/me/ce/entries?completed_on=2026-05-01",
        "/provider?token=abc",
    ):
        access.info(line, "127.0.0.1:5000", "GET", path, "1.1", 200)
    logged = capsys.readouterr()
    text = logged.out + logged.err
    assert "/?q=sciatica&near=33602" in text
    for secret in ("entry=12", "title=Ethics", "next=/me/plan", "completed_on", "token=abc"):
        assert secret not in text, secret
    assert "/me/ce?\u2026" in text
