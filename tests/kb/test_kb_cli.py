"""``ceatlas kb`` commands, through the real Typer app."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ceatlas.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def packaged_kb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CEATLAS_KB_DIR", raising=False)


def test_check_summary() -> None:
    result = runner.invoke(app, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "Knowledge base OK: version" in result.output
    assert "conditions" in result.output
    assert "jurisdictions  53" in result.output


def test_list_conditions_json() -> None:
    result = runner.invoke(app, ["kb", "list", "conditions", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) >= 40
    assert {"id", "name", "sources"} <= set(data[0])


def test_list_text_and_singular_kind() -> None:
    result = runner.invoke(app, ["kb", "list", "jurisdiction"])
    assert result.exit_code == 0
    assert "FL" in result.output
    assert "Florida" in result.output


@pytest.mark.parametrize("name", ["sciatica", "Sciatica", "sciatic nerve pain"])
def test_show_condition(name: str) -> None:
    result = runner.invoke(app, ["kb", "show", "conditions", name])
    assert result.exit_code == 0, result.output
    assert "id: sciatica" in result.output


def test_show_json() -> None:
    result = runner.invoke(app, ["kb", "show", "techniques", "MLD", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["id"] == "manual-lymph-drainage"


def test_show_jurisdiction_rules() -> None:
    result = runner.invoke(app, ["kb", "show", "jurisdictions", "FL", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["renewal"]["total_hours"] == "24"
    assert shown["sources"][0]["authority"] in ("statute", "regulation")


def test_show_unknown_suggests_close_ids() -> None:
    result = runner.invoke(app, ["kb", "show", "conditions", "sciatca"])
    assert result.exit_code == 1
    assert "No conditions entry matches 'sciatca'" in result.output
    assert "Did you mean: sciatica" in result.output
    assert "Traceback" not in result.output


def test_bad_kind() -> None:
    result = runner.invoke(app, ["kb", "list", "widgets"])
    assert result.exit_code == 2
    assert "unknown kind 'widgets'" in result.output


def test_sources_text_and_json() -> None:
    text = runner.invoke(app, ["kb", "sources"])
    assert text.exit_code == 0
    assert "https://www.s4om.org/" in text.output
    result = runner.invoke(app, ["kb", "sources", "--json"])
    data = json.loads(result.output)
    assert all(item["url"].startswith("http") and item["cited_by"] for item in data)
