"""``ceatlas search`` through Typer's CliRunner."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from ceatlas.catalog.service import Catalog
from ceatlas.cli.search import search

app = typer.Typer()
app.command("search")(search)


@app.callback()
def _root() -> None:
    """Keep 'search' as a named sub-command."""


runner = CliRunner()


def test_cli_json_and_text(cli_env: Path, catalog: Catalog) -> None:
    catalog.load_sample(dt.date(2026, 11, 23))
    args = ["search", "sciatca", "--near", "Tampa, FL", "--radius", "50", "--days", "weekend"]
    result = runner.invoke(app, [*args, "--max-price", "400", "--json", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] > 0
    assert data["interpretation"]["corrections"] == ["sciatca → sciatica (spelling)"]
    assert "mode" in data["facets"]
    text = runner.invoke(app, [*args, "--today", "2026-11-23"])
    assert text.exit_code == 0, text.output
    assert "sessions" in text.stdout
    assert "Tampa" in text.stdout


def test_cli_errors(cli_env: Path, catalog: Catalog) -> None:
    catalog.load_sample(dt.date(2026, 11, 23))
    bad = runner.invoke(app, ["search", "--per-page", "500"])
    assert bad.exit_code == 2
    nowhere = runner.invoke(app, ["search", "--near", "Atlantis, ZZ", "--radius", "5"])
    assert nowhere.exit_code == 2
    grouped = runner.invoke(app, ["search", "massage", "--group-by-course", "--state", "FL"])
    assert grouped.exit_code == 0, grouped.output


def test_cli_reads_words_that_find_nothing_as_a_complaint(cli_env: Path, catalog: Catalog) -> None:
    """'my back hurts' names no course; it is the KB's lay phrasing of low back pain, so the
    search runs for that condition and says so; --literal keeps the words (nothing)."""
    catalog.load_sample(dt.date(2026, 11, 23))
    today = ["--today", "2026-11-23", "--json"]
    read = runner.invoke(app, ["search", "my back hurts", *today])
    assert read.exit_code == 0, read.output
    data = json.loads(read.stdout)
    assert data["read_as_complaint"]["condition"] == "low-back-pain"
    by_condition = runner.invoke(app, ["search", "--condition", "low-back-pain", *today])
    assert data["total"] == json.loads(by_condition.stdout)["total"] > 0
    literal = json.loads(
        runner.invoke(app, ["search", "my back hurts", "--literal", *today]).stdout
    )
    assert literal["total"] == 0
    assert "read_as_complaint" not in literal
    text = runner.invoke(app, ["search", "my back hurts", "--today", "2026-11-23"])
    assert text.stdout.startswith("Showing courses for Low back pain, as read from")
