"""An import killed part-way (kill -9) leaves whole records only; running it again completes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from ceatlas.catalog.store import COURSES, SESSIONS

COURSES_IN_FILE = 4000
SESSIONS_PER_COURSE = 10


def _write_feed(path: Path) -> None:
    with path.open("w") as out:
        for c in range(COURSES_IN_FILE):
            doc = {
                "@type": "Course",
                "@id": f"https://big.example/c/{c}",
                "name": f"Course {c}",
                "provider": {
                    "@type": "Organization",
                    "@id": f"https://big.example/p/{c % 40}",
                    "name": f"Provider {c % 40}",
                },
                "hasCourseInstance": [
                    {
                        "@id": f"https://big.example/c/{c}/s/{s}",
                        "courseMode": "onsite",
                        "startDate": "2027-01-02",
                        "location": "Hall",
                    }
                    for s in range(SESSIONS_PER_COURSE)
                ],
            }
            out.write(json.dumps(doc) + "\n")


def _counts(engine: Engine) -> tuple[int, int, list[int]]:
    with engine.connect() as conn:
        courses = conn.execute(select(func.count()).select_from(COURSES)).scalar_one()
        sessions = conn.execute(select(func.count()).select_from(SESSIONS)).scalar_one()
        per_course = (
            conn.execute(select(func.count()).select_from(SESSIONS).group_by(SESSIONS.c.course_id))
            .scalars()
            .all()
        )
    return courses, sessions, list(per_course)


def _import(
    path: Path, env: dict[str, str], stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ceatlas", "import", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def test_kill_minus_nine_then_rerun(engine: Engine, database_url: str, tmp_path: Path) -> None:
    feed = tmp_path / "big.ndjson"
    _write_feed(feed)
    env = {**os.environ, "CEATLAS_DATABASE_URL": database_url, "CEATLAS_DATA_DIR": str(tmp_path)}
    process = _import(feed, env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _counts(engine)[1] > 0:
            break
        time.sleep(0.02)
    assert process.poll() is None, (
        "the import finished before it could be killed; make the feed larger"
    )
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    courses, sessions, per_course = _counts(engine)
    assert 0 < courses < COURSES_IN_FILE
    assert set(per_course) == {SESSIONS_PER_COURSE}  # no course is left with part of its sessions
    assert sessions == courses * SESSIONS_PER_COURSE

    rerun = _import(feed, env, stderr=subprocess.PIPE)
    _, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr.decode()
    assert _counts(engine)[:2] == (COURSES_IN_FILE, COURSES_IN_FILE * SESSIONS_PER_COURSE)
