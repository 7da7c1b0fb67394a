"""The catalog commands as a user runs them: exit codes, messages, JSON output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceatlas.cli import app

runner = CliRunner()
COURSE = {
    "@context": "https://schema.org/",
    "@type": "Course",
    "@id": "https://cli.example/c/1",
    "name": "Ethics for Massage Therapists",
    "hasCourseInstance": {
        "@id": "https://cli.example/s/1",
        "courseMode": ["online", "asynchronous"],
    },
}


def test_init_without_sample_then_stats(cli_env: Path) -> None:
    result = runner.invoke(app, ["init", "--no-sample", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stats"]["courses"] == 0
    stats = runner.invoke(app, ["stats", "--json"])
    assert json.loads(stats.stdout)["sessions"] == 0


def test_import_ok_then_export_each_format(cli_env: Path) -> None:
    feed = cli_env / "feed.jsonld"
    feed.write_text(json.dumps(COURSE))
    result = runner.invoke(app, ["import", str(feed)])
    assert result.exit_code == 0, result.output
    assert "1 records imported, 0 rejected" in result.stdout
    titles: dict[str, Callable[[str], str]] = {
        "jsonld": lambda t: str(json.loads(t)["@graph"][0]["name"]),
        "ndjson": lambda t: str(json.loads(t.splitlines()[0])["name"]),
        "csv": lambda t: t.splitlines()[1].split(",")[14],
    }
    for fmt, title in titles.items():
        out = cli_env / f"out.{fmt}"
        exported = runner.invoke(app, ["export", "--format", fmt, "--out", str(out)])
        assert exported.exit_code == 0, exported.output
        assert title(out.read_text()) == "Ethics for Massage Therapists"


def test_import_with_a_bad_record_exits_1_and_names_it(cli_env: Path) -> None:
    feed = cli_env / "feed.ndjson"
    bad = {**COURSE, "@id": "https://cli.example/c/2", "numberOfCredits": "two"}
    feed.write_text(json.dumps(COURSE) + "\n" + json.dumps(bad) + "\n")
    result = runner.invoke(app, ["import", str(feed)])
    assert result.exit_code == 1
    assert (
        f"rejected: {feed}, line 2: numberOfCredits: expected a number, got 'two'" in result.stderr
    )
    assert "Traceback" not in result.output
    as_json = runner.invoke(app, ["import", "--json", str(feed)])
    report = json.loads(as_json.stdout)
    assert report["records_imported"] == 1
    assert report["problems"] == [
        {
            "where": f"{feed}, line 2",
            "field": "numberOfCredits",
            "reason": "expected a number, got 'two'",
        }
    ]


def test_a_course_given_twice_is_merged_and_the_report_says_so(cli_env: Path) -> None:
    feed = cli_env / "feed.ndjson"
    again = {"@context": "https://schema.org/", "@type": "Course", "@id": COURSE["@id"]}
    again |= {"name": COURSE["name"], "description": "Boundaries, consent and records."}
    feed.write_text(json.dumps(COURSE) + "\n" + json.dumps(again) + "\n")
    result = runner.invoke(app, ["import", str(feed)])
    assert result.exit_code == 0, result.output
    assert f"merged: {feed}, line 2: https://cli.example/c/1: the same course" in result.stdout
    as_json = json.loads(runner.invoke(app, ["import", "--json", str(feed)]).stdout)
    assert len(as_json["merged"]) == 1


def test_unsupported_file_and_bad_format(cli_env: Path) -> None:
    other = cli_env / "catalog.txt"
    other.write_text("hello")
    result = runner.invoke(app, ["import", str(other)])
    assert result.exit_code == 1
    assert "unsupported file type .txt" in result.stderr
    bad = runner.invoke(app, ["export", "--format", "xml"])
    assert bad.exit_code == 2
    assert "--format: expected jsonld, ndjson or csv, got 'xml'" in bad.stderr


def test_unreachable_database_is_a_message_not_a_traceback(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEATLAS_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert "cannot use the database" in result.stderr
    assert "Traceback" not in result.output


def test_unsupported_database_url(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEATLAS_DATABASE_URL", "mysql://x/y")
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert "unsupported database URL 'mysql://x/y'" in result.stderr


def test_broken_knowledge_base_copy_is_reported(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb_dir = cli_env / "kb"
    kb_dir.mkdir()
    monkeypatch.setenv("CEATLAS_KB_DIR", str(kb_dir))
    feed = cli_env / "feed.jsonld"
    feed.write_text(json.dumps(COURSE))
    result = runner.invoke(app, ["import", str(feed)])
    assert result.exit_code == 2
    assert "the knowledge base cannot be used" in result.stderr
    assert "Traceback" not in result.output
