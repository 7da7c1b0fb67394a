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
    """'pain shooting down my leg' names no course (no course text holds all those words),
    but it is how clients describe sciatica (the KB's lay phrase 'shooting pain down my
    leg', in another order), so the search runs for that condition and says so; --literal
    keeps the words, and shows courses holding some of them, saying so."""
    catalog.load_sample(dt.date(2026, 11, 23))
    today = ["--today", "2026-11-23", "--json"]
    words = "pain shooting down my leg"
    read = runner.invoke(app, ["search", words, *today])
    assert read.exit_code == 0, read.output
    data = json.loads(read.stdout)
    assert data["read_as_complaint"]["condition"] == "sciatica"
    assert data["read_as_complaint"]["words"] == words
    by_condition = runner.invoke(app, ["search", "--condition", "sciatica", *today])
    assert data["total"] == json.loads(by_condition.stdout)["total"] > 0
    literal = json.loads(runner.invoke(app, ["search", words, "--literal", *today]).stdout)
    # as written, no course holds every word: those holding some come, flagged so
    assert literal["some_words_only"] is True
    assert literal["read_as_complaint"] is None
    text = runner.invoke(app, ["search", words, "--today", "2026-11-23"])
    assert text.stdout.startswith("Showing courses for Sciatica, as read from")
