"""Scratch folders are removed when their work ends, and those a killed process left
behind are swept when the app starts."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ceatlas.catalog import scratch
from ceatlas.config import load_settings
from ceatlas.web.app import create_app


def _failing_import(seen: list[Path]) -> None:
    with scratch.scratch("upload") as folder:
        seen.append(folder)
        (folder / "upload.json").write_text("{}")
        raise RuntimeError("the import failed")


def test_a_scratch_folder_is_removed_even_when_its_work_fails() -> None:
    seen: list[Path] = []
    with pytest.raises(RuntimeError):
        _failing_import(seen)
    assert seen[0].name.startswith("ceatlas-upload-")
    assert not seen[0].exists()


def test_folders_a_killed_process_left_are_swept_when_the_app_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    """A two-day-old "ceatlas-upload-..." folder (as a kill -9 mid-upload leaves) is
    removed; an hour-old one (an upload still running in another process) and a folder
    of another program are kept."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    now = time.time()
    stale = tmp_path / "ceatlas-upload-abc"
    running = tmp_path / "ceatlas-sync-def"
    other = tmp_path / "someone-else"
    for folder, age in ((stale, 2 * 86400), (running, 3600), (other, 5 * 86400)):
        folder.mkdir()
        (folder / "file").write_text("x")
        os.utime(folder, (now - age, now - age))
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "data", kb_dir=None)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
    assert not stale.exists()
    assert running.exists()
    assert other.exists()
