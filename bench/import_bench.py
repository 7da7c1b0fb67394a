"""Import benchmark: generated NDJSON catalogs into SQLite (and PostgreSQL), against a bare
``executemany`` of the same session rows into the same tables, measured in the same run.

    .venv/bin/python bench/import_bench.py --sessions 1000000 [--postgres URL]

The import runs as ``ceatlas import`` in a child process, so its peak resident memory is
measured on its own. The baseline reads the same file, prepares every session row in the
driver's own types (not timed), and times only ``executemany`` of those rows into the same
``course_session`` table (providers and courses are written first, untimed). Results go to
``bench/results/import-<date>.json`` and ``.md`` with the machine description.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from ceatlas.catalog.generator import generate
from ceatlas.catalog.records import CourseRecord
from ceatlas.catalog.sources import read_file
from ceatlas.catalog.store import CatalogWriter, _NativeSessions
from ceatlas.catalog.vocabulary import TermMapper
from ceatlas.db import make_engine, migrate
from ceatlas.kb import load_kb
from ceatlas.orm import Base

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
RESULTS = ROOT / "results"
CHUNK = 50_000


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def ensure_feed(sessions: int, seed: int) -> Path:
    WORK.mkdir(exist_ok=True)
    path = WORK / f"catalog-{sessions}-{seed}.ndjson"
    if not path.exists():
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            generate(sessions, seed, out, dt.date(2027, 1, 1))
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def reset(url: str) -> Engine:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    engine = make_engine(url)
    migrate(engine)
    if not url.startswith("sqlite"):
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine


def run_import(url: str, feed: Path, sessions: int) -> dict[str, Any]:
    reset(url).dispose()
    env = {**os.environ, "CEATLAS_DATABASE_URL": url}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ceatlas", "import", "--json", str(feed)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads(done.stdout) if done.stdout else {}
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}): {done.stderr[-2000:]}")
    inserted = report["sessions"]["inserted"]
    assert inserted == sessions, f"imported {inserted} of {sessions} sessions"
    return {
        "seconds": round(seconds, 2),
        "sessions_per_second": round(sessions / seconds),
        "peak_rss_mib": round(max(peak_kib, before) / 1024),
        "problems": len(report["problems"]),
    }


def run_baseline(url: str, feed: Path, sessions: int) -> dict[str, Any]:
    """Bare executemany of the same session rows into the same table (untimed preparation)."""
    engine = reset(url)
    writer = CatalogWriter(engine)
    terms = TermMapper(load_kb(None))
    timed = 0.0
    inserted = 0
    pending: list[tuple[Any, ...]] = []
    with engine.connect() as conn:
        native = _NativeSessions(conn)
    stamp = "2027-01-01 00:00:00.000000" if url.startswith("sqlite") else dt.datetime(2027, 1, 1)

    def flush() -> None:
        nonlocal timed, inserted
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            started = time.perf_counter()
            cursor.executemany(native.sql, pending)
            raw.commit()
            timed += time.perf_counter() - started
        finally:
            raw.close()
        inserted += len(pending)
        pending.clear()

    courses: list[CourseRecord] = []

    def prepare() -> None:
        # Providers and courses: written (in batches), not timed.
        writer.write(
            [(None, CourseRecord(r.key, r.values, r.provider, r.approvals, [])) for r in courses]
        )
        for record in courses:
            course_id = writer._course_ids[record.key]
            for session in record.sessions:
                row = native.row(session, course_id)
                pending.append((session.key, *row.children[0]["native"], row.digest, stamp))
        courses.clear()

    for _, record in read_file(feed, terms):
        assert isinstance(record, CourseRecord)
        courses.append(record)
        if len(courses) >= 500:
            prepare()
        if len(pending) >= CHUNK:
            flush()
    prepare()
    if pending:
        flush()
    engine.dispose()
    assert inserted == sessions
    return {"seconds": round(timed, 2), "sessions_per_second": round(sessions / timed)}


def save(results: dict[str, Any]) -> Path:
    """Merge ``results`` into ``import-<date>.json`` and re-render the ``.md`` (after every
    step, so a run cut short still leaves its finished numbers; two processes may each
    measure one backend)."""
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"import-{results['date']}"
    path = stem.with_suffix(".json")
    merged: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if merged.get("sessions") != results["sessions"]:
        merged = {}
    for key, value in results.items():
        if key in ("sqlite", "postgresql") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    path.write_text(json.dumps(merged, indent=2) + "\n")
    stem.with_suffix(".md").write_text(render(merged))
    return stem.with_suffix(".md")


def run_baseline_from_db(url: str, feed: Path, sessions: int) -> dict[str, Any]:
    """The same bare ``executemany``, with the rows read from an already imported SQLite
    database (``--rows-from``) instead of re-parsed from the feed: preparing rows from the
    feed took longer than the time available on a loaded machine. Untimed: providers,
    courses and approvals copied first. Timed: ``executemany`` of every ``course_session``
    row (all columns but ``id``) into the same table, 50,000 rows per transaction."""
    assert ROWS_FROM is not None
    engine = reset(url)
    source = sqlite3.connect(ROWS_FROM)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        mark = "?" if url.startswith("sqlite") else "%s"
        for table in ("provider", "provider_approval", "course", "course_approval"):
            columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
            statement = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(mark for _ in columns)})"
            )
            rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            if not url.startswith("sqlite") and table in ("provider", "course"):
                # SQLite keeps booleans and JSON as numbers and text: adapt for PostgreSQL.
                rows = [_pg_row(table, columns, row) for row in rows]
            cursor.executemany(statement, rows)
            raw.commit()
        columns = [r[1] for r in source.execute("PRAGMA table_info(course_session)")][1:]
        statement = (
            f"INSERT INTO course_session ({', '.join(columns)}) "
            f"VALUES ({', '.join(mark for _ in columns)})"
        )
        timed = 0.0
        inserted = 0
        rows_read = source.execute(f"SELECT {', '.join(columns)} FROM course_session")
        while chunk := rows_read.fetchmany(CHUNK):
            if not url.startswith("sqlite"):
                chunk = [_pg_row("course_session", columns, row) for row in chunk]
            started = time.perf_counter()
            cursor.executemany(statement, chunk)
            raw.commit()
            timed += time.perf_counter() - started
            inserted += len(chunk)
    finally:
        raw.close()
        source.close()
        engine.dispose()
    assert inserted == sessions
    return {
        "seconds": round(timed, 2),
        "sessions_per_second": round(sessions / timed),
        "rows_from": str(ROWS_FROM),
    }


ROWS_FROM: Path | None = None
_JSON_COLUMNS = {
    "techniques", "conditions", "body_regions", "competencies", "ce_categories",
    "prerequisites", "meeting_pattern", "instructors",
}  # fmt: skip


def _pg_row(table: str, columns: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    from psycopg.types.json import Jsonb

    out = []
    for name, value in zip(columns, row, strict=True):
        if name == "is_sample" and value is not None:
            value = bool(value)
        elif name in _JSON_COLUMNS and isinstance(value, str):
            value = Jsonb(json.loads(value))
        out.append(value)
    return tuple(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="PostgreSQL URL to measure as well")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="measure one backend")
    parser.add_argument(
        "--steps",
        default="import,bare_executemany",
        help="which measurements to run (comma-separated), merged into the day's results",
    )
    parser.add_argument(
        "--rows-from",
        type=Path,
        help="bare_executemany_rows_from_db: an imported SQLite database to read rows from",
    )
    parser.add_argument(
        "--keep-import",
        action="store_true",
        help="run the bare executemany first, so the database is left with the import",
    )
    args = parser.parse_args()
    global ROWS_FROM
    ROWS_FROM = args.rows_from

    feed = ensure_feed(args.sessions, args.seed)
    sqlite_url = f"sqlite:///{WORK / 'import-bench.db'}"
    results: dict[str, Any] = {
        "benchmark": "import",
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "sessions": args.sessions,
        "feed_bytes": feed.stat().st_size,
        "targets": {
            "sqlite_sessions_per_second": 20_000,
            "ratio_to_bare_executemany": 0.25,
            "peak_rss_mib": 1024,
        },
    }
    backends = [("sqlite", sqlite_url)] + ([("postgresql", args.postgres)] if args.postgres else [])
    if args.only:
        backends = [(n, u) for n, u in backends if n == args.only]
    for name, url in backends:
        steps: list[tuple[str, Any]] = [
            ("import", run_import),
            ("bare_executemany", run_baseline),
            ("bare_executemany_rows_from_db", run_baseline_from_db),
        ]
        if args.keep_import:
            steps.reverse()
        steps = [(n, run) for n, run in steps if n in args.steps.split(",")]
        path = RESULTS / f"import-{results['date']}.json"
        before = json.loads(path.read_text()) if path.exists() else {}
        out: dict[str, Any] = (
            dict(before.get(name, {})) if before.get("sessions") == args.sessions else {}
        )
        out[f"load_average_at_start_of_{'_'.join(n for n, _ in steps)}"] = os.getloadavg()
        for step, run in steps:
            print(f"{name}: {step} ...", file=sys.stderr)
            out[step] = run(url, feed, args.sessions)
            out[f"load_average_after_{step}"] = os.getloadavg()
            bare = out.get("bare_executemany") or out.get("bare_executemany_rows_from_db")
            if "import" in out and bare:
                out["ratio_to_bare_executemany"] = round(
                    out["import"]["sessions_per_second"] / bare["sessions_per_second"], 3
                )
            save({**results, name: out})
        print(json.dumps(out), file=sys.stderr)
    print(save(results).read_text())


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# Import benchmark, {results['date']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, "
        f"SQLite {m['sqlite']}; load average at start {m['load_average_at_start']}.",
        f"Feed: {results['sessions']:,} generated sessions, "
        f"{results['feed_bytes'] / 1e6:.0f} MB NDJSON.",
        "",
        "| backend | import s | import sessions/s | bare executemany sessions/s | ratio "
        "| peak RSS MiB |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("sqlite", "postgresql"):
        if name in results:
            r = results[name]
            imp = r.get("import", {})
            bare = r.get("bare_executemany") or r.get("bare_executemany_rows_from_db") or {}
            ratio = r.get("ratio_to_bare_executemany")
            if not imp and "import_cut" in r:
                cut = r["import_cut"]
                imp = {
                    "seconds": f"cut after {cut['seconds']}",
                    "sessions_per_second": cut["sessions_per_second"],
                }
            lines.append(
                f"| {name} | {imp.get('seconds', 'n/a')} "
                f"| {imp.get('sessions_per_second', 0):,} "
                f"| {bare.get('sessions_per_second', 0):,} "
                f"| {'n/a' if ratio is None else f'{ratio:.2f}'} "
                f"| {imp.get('peak_rss_mib', 'n/a')} |"
            )
    lines.append("")
    notes = RESULTS / f"import-{results['date']}.notes.md"
    if notes.exists():
        lines += [notes.read_text()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
