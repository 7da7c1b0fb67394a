"""``ceatlas generate`` through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ceatlas.cli import app

runner = CliRunner()


def test_generate_writes_the_file_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "catalog.ndjson"
    result = runner.invoke(
        app, ["generate", "--sessions", "500", "--seed", "1", "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["sessions"] == 500
    assert summary["bytes"] == out.stat().st_size
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary["courses"]
    assert sum(len(json.loads(line)["hasCourseInstance"]) for line in lines) == 500


def test_generate_is_reproducible_with_a_start_date(tmp_path: Path) -> None:
    paths = [tmp_path / "a.ndjson", tmp_path / "b.ndjson"]
    for path in paths:
        args = ["generate", "--sessions", "300", "--seed", "9", "--out", str(path)]
        result = runner.invoke(app, [*args, "--start", "2027-02-01"])
        assert result.exit_code == 0, result.output
        assert "300 sessions" in result.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_sessions_must_be_positive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--sessions", "0", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "--sessions" in result.output
    assert not (tmp_path / "x").exists()


def test_unwritable_out_path_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "catalog.ndjson"
    result = runner.invoke(app, ["generate", "--sessions", "10", "--out", str(target)])
    assert result.exit_code == 2
    assert str(target) in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_out_path_that_is_a_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--sessions", "10", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "folder" in result.output


def test_bad_start_date(tmp_path: Path) -> None:
    out = tmp_path / "x.ndjson"
    result = runner.invoke(
        app, ["generate", "--sessions", "10", "--out", str(out), "--start", "2027-13-01"]
    )
    assert result.exit_code == 2
    assert "--start" in result.output
