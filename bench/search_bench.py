"""Search benchmark (issue #4): CE Atlas search against plain SQLite FTS5 and Tantivy.

    .venv/bin/python bench/search_bench.py import --sessions 100000 [--postgres URL]
    .venv/bin/python bench/search_bench.py service --sessions 100000 [--postgres URL]
    .venv/bin/python bench/search_bench.py baselines --sessions 100000
    .venv/bin/python bench/search_bench.py http --sessions 100000
    .venv/bin/python bench/search_bench.py report

Every step merges its numbers into ``bench/results/search-<date>.json`` (keyed by step,
backend and catalog size) and ``report`` renders ``search-<date>.md``. Databases, indexes
and feeds live in ``bench/work/`` (gitignored). Each measured engine runs in its own child
process, so its resident memory after warm-up is its own. Queries come from
``bench/search_queries.py`` (seeded, KB vocabulary and generator places).

Baselines get the *same* text: the match expression CE Atlas's analyzer builds for the query
(AND of concepts, each an OR of quoted phrases), so the comparison is between engines, not
between query expansions.

* FTS5 (course): ``MATCH ... ORDER BY bm25 LIMIT 20`` on the service's own per-course FTS5
  table (one row per course; no session rows, no facets).
* FTS5 (session): a separate FTS5 table with one row per session (course title,
  description, techniques, conditions, competencies, provider name), same query shape.
* Tantivy: one document per session with the same text plus ``mode`` (raw), ``price``,
  ``start`` (day number), ``lat``/``lon`` fast fields; text-only queries, and the ``full``
  queries with the filters Tantivy can express (modes, max price, dates, radius box).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from bench.search_queries import build_queries  # noqa: E402

WORK = ROOT / "work"
RESULTS = ROOT / "results"
TODAY = dt.date(2026, 12, 1)
PG_DEFAULT = "postgresql+psycopg://ceatlas@127.0.0.1:54329/ceatlas_bench"
DATE = dt.date.today().isoformat()


# --- plumbing ------------------------------------------------------------------------------


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
    pg = "unknown"
    pg_bin = Path("/usr/lib/postgresql")
    if pg_bin.exists():
        for version in sorted(pg_bin.iterdir()):
            postgres = version / "bin" / "postgres"
            if postgres.exists():
                out = subprocess.run(
                    [str(postgres), "--version"], capture_output=True, text=True, check=False
                )
                pg = out.stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def rss_mib() -> dict[str, float]:
    out: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            out[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    return out


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def pick(p: float) -> float:
        index = min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))
        return round(ordered[index] * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def results_path() -> Path:
    return RESULTS / f"search-{DATE}.json"


def merge(key: str, value: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    path = results_path()
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault("runs", {})[key] = {"machine": machine(), **value}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(f"{key}: written to {path}", file=sys.stderr)


def sqlite_path(sessions: int) -> Path:
    return WORK / f"search-{sessions}.db"


def url_for(sessions: int, postgres: str | None) -> str:
    return postgres or f"sqlite:///{sqlite_path(sessions)}"


def backend_name(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def feed(sessions: int) -> Path:
    path = WORK / f"catalog-{sessions}-1.ndjson"
    if not path.exists():
        subprocess.run(
            [
                sys.executable, "-m", "ceatlas", "generate", "--sessions", str(sessions),
                "--seed", "1", "--out", str(path), "--start", "2027-01-01",
            ],
            check=True,
        )  # fmt: skip
    return path


def child(args: list[str]) -> dict[str, Any]:
    """Run this script in a child process; it prints one JSON object on its last line."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- import / index build ------------------------------------------------------------------


def cmd_import(ns: argparse.Namespace) -> None:
    from sqlalchemy import text

    from ceatlas.db import make_engine, migrate
    from ceatlas.orm import Base

    url = url_for(ns.sessions, ns.postgres)
    path = feed(ns.sessions)
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_path(ns.sessions)) + suffix).unlink(missing_ok=True)
    engine = make_engine(url)
    migrate(engine)
    if not url.startswith("sqlite"):
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ceatlas", "import", "--json", str(path)],
        env={**os.environ, "CEATLAS_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    rebuild = child(["_rebuild", url])
    merge(
        f"import/{backend_name(url)}/{ns.sessions}",
        {
            "import_seconds": round(seconds, 1),
            "sessions": report["sessions"]["inserted"],
            "index_rebuild": rebuild,
        },
    )


def cmd_rebuild(ns: argparse.Namespace) -> None:
    """Time rebuilding the search structures alone (text index, session facts) in place."""
    from sqlalchemy import text

    from ceatlas.db import make_engine

    engine = make_engine(ns.url)
    out: dict[str, Any] = {}
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            from importlib import import_module

            m = import_module("ceatlas.migrations.versions.0002_search")
            started = time.perf_counter()
            conn.execute(text("DELETE FROM search_course_fts"))
            conn.execute(text(m._sqlite_fts_insert("c", "1")))
            out["text_index_seconds"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            conn.execute(text("DELETE FROM search_session_facts"))
            facts = (
                "INSERT OR REPLACE INTO search_session_facts(session_id, days_mask, start_minute)"
                f" SELECT s.id, {m._sqlite_days('s')}, {m._sqlite_minute('s')}"
                " FROM course_session AS s"
            )
            conn.execute(text(facts))
            out["session_facts_seconds"] = round(time.perf_counter() - started, 2)
        else:
            started = time.perf_counter()
            conn.execute(text("REINDEX INDEX ix_search_course_document"))
            out["text_gin_reindex_seconds"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            conn.execute(text("ANALYZE"))
            out["analyze_seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(out))


def cmd_copy_pg(ns: argparse.Namespace) -> None:
    """Fill a PostgreSQL database with the SQLite benchmark catalog by ``COPY`` (the search
    triggers fill the text index and session facts), for when ``ceatlas import`` into
    PostgreSQL is too slow for the time available. Same rows, same ids."""
    import psycopg
    from sqlalchemy import text

    import ceatlas.models  # noqa: F401  (every table on the metadata)
    from ceatlas.db import make_engine, migrate
    from ceatlas.orm import Base

    assert ns.postgres, "--postgres URL"
    engine = make_engine(ns.postgres)
    migrate(engine)
    with engine.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    source = sqlite3.connect(sqlite_path(ns.sessions))
    dsn = ns.postgres.replace("postgresql+psycopg://", "postgresql://")
    started = time.perf_counter()
    out: dict[str, Any] = {}
    with psycopg.connect(dsn) as pg:
        for table in (
            "provider",
            "provider_approval",
            "course",
            "course_approval",
            "course_session",
        ):
            columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            t0 = time.perf_counter()
            with pg.cursor() as cur:
                with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in source.execute(f"SELECT {names} FROM {table}"):
                        copy.write_row(row)
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 1))"
                )
            pg.commit()
            out[f"{table}_seconds"] = round(time.perf_counter() - t0, 1)
            print(table, out[f"{table}_seconds"], file=sys.stderr)
        with pg.cursor() as cur:
            cur.execute("ANALYZE")
    out["total_seconds"] = round(time.perf_counter() - started, 1)
    merge(f"copy-from-sqlite/postgresql/{ns.sessions}", out)


# --- CE Atlas search, in-process ---------------------------------------------------------


def queries(ns: argparse.Namespace) -> list[dict[str, Any]]:
    from ceatlas.kb import load_kb

    built: list[dict[str, Any]] = build_queries(load_kb(None), ns.queries, ns.seed)
    return built


def timed_loop(
    items: list[Any], run: Callable[[Any], Any], budget: float
) -> tuple[list[tuple[Any, float]], float]:
    out: list[tuple[Any, float]] = []
    started = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        run(item)
        out.append((item, time.perf_counter() - t0))
        if time.perf_counter() - started > budget:
            break
    return out, time.perf_counter() - started


def by_shape(timings: list[tuple[dict[str, Any], float]]) -> dict[str, Any]:
    shapes: dict[str, list[float]] = {}
    for q, seconds in timings:
        shapes.setdefault(q["shape"], []).append(seconds)
    out: dict[str, Any] = {"all": percentiles([s for _, s in timings])}
    for shape, values in sorted(shapes.items()):
        out[shape] = percentiles(values)
    return out


def slowest(timings: list[tuple[dict[str, Any], float]], n: int = 8) -> list[dict[str, Any]]:
    worst = sorted(timings, key=lambda t: -t[1])[:n]
    return [
        {"ms": round(s * 1000, 1), "shape": q["shape"], "params": q["params"]} for q, s in worst
    ]


def cmd_service(ns: argparse.Namespace) -> None:
    print(json.dumps(child(["_service", *sys.argv[2:]])), file=sys.stderr)


def _service(ns: argparse.Namespace) -> None:
    from ceatlas.db import make_engine
    from ceatlas.kb import load_kb
    from ceatlas.search import SearchQuery, SearchService

    url = url_for(ns.sessions, ns.postgres)
    engine = make_engine(url)
    service_class: Any = SearchService
    if ns.service_file:
        # An older service.py (git show REV:src/ceatlas/search/service.py > FILE), to
        # measure a before/after ratio in one run on the same machine.
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_old_service", ns.service_file)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        service_class = module.SearchService
    if ns.paired:
        _paired(ns, url, engine, service_class)
        return
    kb = load_kb(None)
    # No answer cache: 67 of the 500 queries repeat an earlier one exactly, and this step
    # measures computing answers (text matches are still cached per snapshot).
    service = (
        service_class(engine, kb, accelerate=not ns.sql, cached_answers=0)
        if service_class is SearchService
        else service_class(engine, kb)
    )
    qs = queries(ns)
    parsed = [(q, SearchQuery.from_params(q["params"])) for q in qs]
    warm = list(parsed[: ns.warmup])
    # The first query of a process loads the accelerator's snapshot (the in-memory index).
    started = time.perf_counter()
    service.search(SearchQuery(per_page=1), TODAY)
    first_query_seconds = time.perf_counter() - started
    rss_after_load = rss_mib()
    from ceatlas.search.accel import ACCELERATOR

    snapshot_loaded = bool(ACCELERATOR._snapshots)
    started = time.perf_counter()
    for _, query in warm:
        service.search(query, TODAY)
    warmup_seconds = time.perf_counter() - started
    gc.collect()
    memory = rss_mib()
    timings_pairs, total = timed_loop(parsed, lambda p: service.search(p[1], TODAY), ns.budget)
    timings = [(p[0], s) for p, s in timings_pairs]
    # Text-only queries without facets: the like-for-like comparison with plain FTS5.
    text_only = [
        (q, query.model_copy(update={"facets": False}))
        for q, query in parsed
        if q["shape"] == "text"
    ]
    # Cold: the timed pass above cached these texts' matches, which FTS5 does not.
    for snap in ACCELERATOR._snapshots.values():
        snap.clear_caches()
    nofacet_pairs, _ = timed_loop(text_only, lambda p: service.search(p[1], TODAY), ns.budget / 4)
    out = {
        "backend": backend_name(url),
        "sessions": ns.sessions,
        "queries_planned": len(qs),
        "queries_run": len(timings),
        "warmup_queries": len(warm),
        "warmup_seconds": round(warmup_seconds, 1),
        "accelerated": bool(getattr(service, "accelerate", False)) and snapshot_loaded,
        "answer_cache": "off",
        "text_match_cache": "on (per catalog snapshot); cleared before the facets-off pass",
        "first_query_seconds_incl_snapshot_load": round(first_query_seconds, 2),
        "rss_after_first_query_mib": rss_after_load,
        "load_average_at_start_of_timing": os.getloadavg(),
        "latency": by_shape(timings),
        "text_without_facets": percentiles([s for _, s in nofacet_pairs]),
        "throughput_qps_1_thread": round(len(timings) / total, 2),
        "rss_after_warmup_mib": memory,
        "rss_at_end_mib": rss_mib(),
        "slowest": slowest(timings),
        "budget_seconds": ns.budget,
    }
    label = f"service{ns.label}/{out['backend']}/{ns.sessions}"
    out["service_file"] = ns.service_file or "src/ceatlas/search/service.py"
    merge(label, out)
    print(json.dumps({"ok": True}))


def _paired(ns: argparse.Namespace, url: str, engine: Any, old_class: Any) -> None:
    """Old and current service on the same queries, alternating per query (same load)."""
    from ceatlas.kb import load_kb
    from ceatlas.search import SearchQuery, SearchService

    kb = load_kb(None)
    services = {"current": SearchService(engine, kb), "old": old_class(engine, kb)}
    parsed = [(q, SearchQuery.from_params(q["params"])) for q in queries(ns)]
    for _, query in parsed[: ns.warmup]:
        for service in services.values():
            service.search(query, TODAY)
    timings: dict[str, list[tuple[dict[str, Any], float]]] = {k: [] for k in services}
    started = time.perf_counter()
    for i, (q, query) in enumerate(parsed):
        order = list(services) if i % 2 == 0 else list(reversed(services))
        for name in order:
            t0 = time.perf_counter()
            services[name].search(query, TODAY)
            timings[name].append((q, time.perf_counter() - t0))
        if time.perf_counter() - started > ns.budget:
            break
    ratios = [o / c for (_, c), (_, o) in zip(timings["current"], timings["old"], strict=True)]
    merge(
        f"paired/{backend_name(url)}/{ns.sessions}",
        {
            "sessions": ns.sessions,
            "old_service_file": ns.service_file,
            "queries_run": len(timings["current"]),
            "latency_current": by_shape(timings["current"]),
            "latency_old": by_shape(timings["old"]),
            "speedup_median": round(statistics.median(ratios), 2),
            "speedup_p10_p90": [
                round(sorted(ratios)[len(ratios) // 10], 2),
                round(sorted(ratios)[len(ratios) * 9 // 10], 2),
            ],
            "slowest_current": slowest(timings["current"]),
        },
    )
    print(json.dumps({"ok": True}))


# --- baselines ------------------------------------------------------------------------------


def match_expressions(
    url: str, qs: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], str | None, Any]]:
    """(query, FTS5 match expression or None, TextQuery) via CE Atlas's own analyzer."""
    from ceatlas.db import make_engine
    from ceatlas.kb import load_kb
    from ceatlas.search import SearchService
    from ceatlas.search.backends import SQLiteBackend
    from ceatlas.search.service import _VOCABULARY

    engine = make_engine(url)
    service = SearchService(engine, load_kb(None))
    out: list[tuple[dict[str, Any], str | None, Any]] = []
    with engine.connect() as conn:
        for q in qs:
            text = q["params"].get("q")
            if not text:
                continue
            analyzed = service.analyzer.analyze(
                text,
                lambda w: service.backend.word_known(conn, w),
                lambda: _VOCABULARY.get(conn),
            )
            expression = SQLiteBackend.match_expression(analyzed) if analyzed.concepts else None
            out.append((q, expression, analyzed))
    engine.dispose()
    return out


def cmd_baselines(ns: argparse.Namespace) -> None:
    print(json.dumps(child(["_fts5", *sys.argv[2:]])), file=sys.stderr)
    print(json.dumps(child(["_tantivy", *sys.argv[2:]])), file=sys.stderr)


def _fts5(ns: argparse.Namespace) -> None:
    source = sqlite_path(ns.sessions)
    copy = WORK / f"fts5-plain-{ns.sessions}.db"
    copy.unlink(missing_ok=True)
    exprs = [(q, e) for q, e, _ in match_expressions(f"sqlite:///{source}", queries(ns)) if e]
    con = sqlite3.connect(copy)
    con.execute(f"ATTACH DATABASE '{source}' AS src")
    con.execute(
        "CREATE VIRTUAL TABLE session_fts USING fts5(title, description, terms, provider, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    terms = " || ' ' || ".join(
        f"coalesce((SELECT group_concat(value, ' ') FROM json_each(c.{col})), '')"
        for col in ("techniques", "conditions", "competencies")
    )
    started = time.perf_counter()
    con.execute(
        "INSERT INTO session_fts(rowid, title, description, terms, provider) "
        f"SELECT s.id, c.title, coalesce(c.description, ''), replace({terms}, '-', ' '), "
        "coalesce(p.name, '') FROM src.course_session s JOIN src.course c ON c.id = s.course_id "
        "LEFT JOIN src.provider p ON p.id = c.provider_id"
    )
    con.commit()
    build = time.perf_counter() - started
    weights = "10.0, 1.0, 5.0, 2.0"
    results: dict[str, Any] = {"session_table_build_seconds": round(build, 1)}

    def fetch(sql: str, item: tuple[dict[str, Any], str]) -> list[Any]:
        return con.execute(sql, (item[1],)).fetchall()

    for name, sql in (
        (
            "fts5_course",
            f"SELECT rowid, bm25(search_course_fts, {weights}) AS r FROM src.search_course_fts "
            "WHERE search_course_fts MATCH ? ORDER BY r LIMIT 20",
        ),
        (
            "fts5_session",
            f"SELECT rowid, bm25(session_fts, {weights}) AS r FROM session_fts "
            "WHERE session_fts MATCH ? ORDER BY r LIMIT 20",
        ),
    ):
        for _q, e in exprs[: ns.warmup]:
            con.execute(sql, (e,)).fetchall()
        timings, total = timed_loop(exprs, partial(fetch, sql), ns.budget / 2)
        results[name] = {
            "latency": by_shape([(q, s) for (q, _), s in timings]),
            "throughput_qps_1_thread": round(len(timings) / total, 2),
            "slowest": slowest([(q, s) for (q, _), s in timings], 5),
        }
    results["rss_at_end_mib"] = rss_mib()
    results["sessions"] = ns.sessions
    con.close()
    copy.unlink(missing_ok=True)
    merge(f"baseline-fts5/sqlite/{ns.sessions}", results)
    print(json.dumps({"ok": True}))


def _tantivy(ns: argparse.Namespace) -> None:
    import tantivy

    from ceatlas.search import SearchQuery
    from ceatlas.search.service import KM_PER_MILE, resolve_place

    source = sqlite_path(ns.sessions)
    qs = queries(ns)
    analyzed = match_expressions(f"sqlite:///{source}", qs)
    builder = tantivy.SchemaBuilder()
    for name in ("title", "description", "terms", "provider"):
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    builder.add_integer_field("id", stored=True, indexed=False, fast=True)
    builder.add_text_field("mode", stored=False, tokenizer_name="raw", fast=True)
    builder.add_integer_field("price", indexed=True, fast=True)
    builder.add_integer_field("start", indexed=True, fast=True)
    builder.add_float_field("lat", indexed=True, fast=True)
    builder.add_float_field("lon", indexed=True, fast=True)
    schema = builder.build()
    path = WORK / f"tantivy-{ns.sessions}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    con = sqlite3.connect(source)
    terms = " || ' ' || ".join(
        f"coalesce((SELECT group_concat(value, ' ') FROM json_each(c.{col})), '')"
        for col in ("techniques", "conditions", "competencies")
    )
    rows = con.execute(
        "SELECT s.id, c.title, coalesce(c.description, ''), "
        f"replace({terms}, '-', ' '), coalesce(p.name, ''), s.mode, s.price, "
        "CAST(julianday(s.start_date) AS INTEGER), s.latitude, s.longitude "
        "FROM course_session s JOIN course c ON c.id = s.course_id "
        "LEFT JOIN provider p ON p.id = c.provider_id"
    )
    started = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for sid, title, desc, term, prov, mode, price, start, lat, lon in rows:
        doc: dict[str, Any] = {
            "id": sid, "title": title, "description": desc, "terms": term,
            "provider": prov, "mode": mode,
        }  # fmt: skip
        if price is not None:
            doc["price"] = price
        if start is not None:
            doc["start"] = start
        if lat is not None and lon is not None:
            doc["lat"] = float(lat)
            doc["lon"] = float(lon)
        writer.add_document(tantivy.Document(**doc))
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - started
    con.close()
    index.reload()
    searcher = index.searcher()
    fields = ["title", "description", "terms", "provider"]
    boosts = {"title": 10.0, "terms": 5.0, "provider": 2.0, "description": 1.0}
    julian_epoch = dt.date(1970, 1, 1).toordinal() - 2440588  # julianday('1970-01-01') = 2440587.5

    def filters(params: dict[str, str]) -> list[Any]:
        query = SearchQuery.from_params(params)
        out: list[Any] = []
        if query.modes:
            out.append(
                tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "mode", m))
                     for m in query.modes]
                )
            )  # fmt: skip
        if query.max_price is not None:
            cents = int(query.max_price * 100)
            out.append(tantivy.Query.range_query(
                schema, "price", tantivy.FieldType.Integer, 0, cents))  # fmt: skip
        if query.date_from or query.date_to:
            low = query.date_from.toordinal() - julian_epoch if query.date_from else None
            high = query.date_to.toordinal() - julian_epoch if query.date_to else None
            out.append(tantivy.Query.range_query(
                schema, "start", tantivy.FieldType.Integer, low, high))  # fmt: skip
        if query.has_place and query.radius:
            radius = query.radius / KM_PER_MILE if query.unit == "km" else query.radius
            place = resolve_place(query.near, query.lat, query.lon, radius)
            dlat = radius / 69.0
            dlon = dlat / max(math.cos(math.radians(place.lat)), 0.01)
            box = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, tantivy.Query.range_query(
                    schema, "lat", tantivy.FieldType.Float, place.lat - dlat, place.lat + dlat)),
                (tantivy.Occur.Must, tantivy.Query.range_query(
                    schema, "lon", tantivy.FieldType.Float, place.lon - dlon, place.lon + dlon)),
            ])  # fmt: skip
            online = tantivy.Query.boolean_query([
                (tantivy.Occur.Should, tantivy.Query.term_query(schema, "mode", m))
                for m in ("self_paced_online", "live_online")
            ])  # fmt: skip
            out.append(tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, box), (tantivy.Occur.Should, online)]))  # fmt: skip
        return out

    prepared: list[tuple[dict[str, Any], Any]] = []
    for q, expression, _ in analyzed:
        if not expression:
            continue
        text_query = index.parse_query(expression, fields, field_boosts=boosts)
        if q["shape"] == "full":
            parts = [(tantivy.Occur.Must, text_query)] + [
                (tantivy.Occur.Must, f) for f in filters(q["params"])
            ]
            prepared.append((q, tantivy.Query.boolean_query(parts)))
        else:
            prepared.append((q, text_query))
    for _q, tq in prepared[: ns.warmup]:
        searcher.search(tq, 20, count=True)
    gc.collect()
    memory = rss_mib()
    timings, total = timed_loop(
        prepared, lambda item: searcher.search(item[1], 20, count=True).hits, ns.budget / 2
    )
    merge(
        f"baseline-tantivy/sqlite-rows/{ns.sessions}",
        {
            "sessions": ns.sessions,
            "build_seconds": round(build, 1),
            "index_bytes": sum(f.stat().st_size for f in path.rglob("*") if f.is_file()),
            "latency": by_shape([(q, s) for (q, _), s in timings]),
            "throughput_qps_1_thread": round(len(timings) / total, 2),
            "rss_after_warmup_mib": memory,
            "note": "text queries: match only; full queries: + modes, max price, dates, "
            "radius box (no days, state, techniques, facets, distance sort)",
        },
    )
    shutil.rmtree(path, ignore_errors=True)
    print(json.dumps({"ok": True}))


# --- HTTP --------------------------------------------------------------------------------


def cmd_http(ns: argparse.Namespace) -> None:
    import httpx

    url = url_for(ns.sessions, ns.postgres)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "ceatlas.web.app:create_app_from_env",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ],
        env={**os.environ, "CEATLAS_DATABASE_URL": url},
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=900) as client:
            deadline = time.perf_counter() + 300  # the app imports a lot; the machine is busy
            while time.perf_counter() < deadline:
                if server.poll() is not None:
                    raise SystemExit(f"server exited with {server.returncode}")
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.25)
            qs = queries(ns)
            started = time.perf_counter()
            client.get("/api/v1/search", params={"per_page": "1"}).raise_for_status()
            first_seconds = time.perf_counter() - started
            for q in qs[: ns.warmup]:
                client.get("/api/v1/search", params=q["params"]).raise_for_status()

            def run(q: dict[str, Any]) -> None:
                response = client.get("/api/v1/search", params=q["params"])
                if response.status_code not in (200, 400):
                    raise SystemExit(f"{response.status_code}: {response.text[:500]}")

            timings, total = timed_loop(qs, run, ns.budget)
        server_rss = 0.0
        status = Path(f"/proc/{server.pid}/status")
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS"):
                server_rss = round(int(line.split()[1]) / 1024, 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    merge(
        f"http/{backend_name(url)}/{ns.sessions}",
        {
            "sessions": ns.sessions,
            "queries_run": len(timings),
            "latency": by_shape(timings),
            "throughput_qps_1_client": round(len(timings) / total, 2),
            "first_request_seconds_incl_snapshot_load": round(first_seconds, 2),
            "accelerator": os.environ.get("CEATLAS_SEARCH_ACCELERATOR", "1"),
            "server_rss_mib": server_rss,
            "server": "uvicorn, 1 worker, ceatlas.web.app:create_app_from_env",
        },
    )


# --- report --------------------------------------------------------------------------------


def cmd_report(ns: argparse.Namespace) -> None:
    data = json.loads(results_path().read_text())
    runs: dict[str, Any] = data["runs"]
    lines = [f"# Search benchmark, {DATE}", ""]
    first = next(iter(runs.values()))["machine"]
    lines += [
        f"Machine: {first['cpu']}, {first['cores']} cores, {first['memory_gib']} GiB; "
        f"Python {first['python']}, SQLite {first['sqlite']}, {first['postgresql']}; "
        f"{first['platform']}.",
        "",
        "Load average at the start of each step is in the JSON (shared machine: compare "
        "numbers of one step only with numbers measured in the same run).",
        "",
        "## In-process latency (ms) by query shape, facets on",
        "",
        "| run | shape | n | p50 | p95 | p99 | max |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for key, run in runs.items():
        if "latency" not in run:
            continue
        for shape, p in run["latency"].items():
            if p.get("n"):
                lines.append(
                    f"| {key} | {shape} | {p['n']} | {p['p50_ms']} | {p['p95_ms']} | "
                    f"{p['p99_ms']} | {p['max_ms']} |"
                )
        for sub in ("fts5_course", "fts5_session"):
            if sub in run:
                for shape, p in run[sub]["latency"].items():
                    lines.append(
                        f"| {key} {sub} | {shape} | {p['n']} | {p['p50_ms']} | {p['p95_ms']} | "
                        f"{p['p99_ms']} | {p['max_ms']} |"
                    )
    lines += ["", "## Targets at 1,000,000 sessions (issue #4)", ""]
    lines += [
        "| run | p50 ms (<= 10) | p99 ms (<= 50) | snapshot load s | RSS MiB (<= 2048) "
        "| text p50 / FTS5 p50 (<= 1) | load avg |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key, run in runs.items():
        parts = key.split("/")
        if not key.startswith("service/") or len(parts) != 3 or parts[2] != "1000000":
            continue
        every = run["latency"]["all"]
        fts5 = runs.get("baseline-fts5/sqlite/1000000", {}).get("fts5_course", {})
        base = fts5.get("latency", {}).get("text", {})
        text = run["latency"].get("text", {})
        ratio = round(text["p50_ms"] / base["p50_ms"], 1) if text and base.get("p50_ms") else "n/a"
        lines.append(
            f"| {key} | {every['p50_ms']} ({every['p50_ms'] / 10:.0f}x) "
            f"| {every['p99_ms']} ({every['p99_ms'] / 50:.0f}x) "
            f"| {run.get('first_query_seconds_incl_snapshot_load')} "
            f"| {run['rss_at_end_mib'].get('VmHWM')} | {ratio} "
            f"| {[round(x, 1) for x in run.get('load_average_at_start_of_timing', [])]} |"
        )
    lines += [
        "",
        "## Ratios to the in-run baselines (p50 / p95 / p99; below 1: CE Atlas faster)",
        "",
    ]
    lines += [
        "| run | shape | vs | ratio p50 | ratio p95 | ratio p99 |",
        "|---|---|---|---:|---:|---:|",
    ]
    for key, run in runs.items():
        parts = key.split("/")
        if not parts[0].startswith("service") or "latency" not in run or len(parts) != 3:
            continue
        if "before" in parts[0]:  # measured in an earlier run: no in-run baseline
            continue
        size = parts[2]
        fts5 = (
            runs.get(f"baseline-fts5/sqlite/{size}", {}).get("fts5_course", {}).get("latency", {})
        )
        tantivy = runs.get(f"baseline-tantivy/sqlite-rows/{size}", {}).get("latency", {})
        pairs = [
            ("text", "FTS5 bm25 LIMIT 20 (course table)", fts5.get("text")),
            ("text", "Tantivy (text)", tantivy.get("text")),
            ("full", "Tantivy (text + filters)", tantivy.get("full")),
        ]
        for shape, name, base in pairs:
            ours = run["latency"].get(shape)
            if not ours or not base or not ours.get("n") or not base.get("n"):
                continue
            ratio = [
                round(ours[f"{p}_ms"] / max(base[f"{p}_ms"], 1e-6), 2)
                for p in ("p50", "p95", "p99")
            ]
            lines.append(f"| {key} | {shape} | {name} | {ratio[0]} | {ratio[1]} | {ratio[2]} |")
        nofacets = run.get("text_without_facets")
        base = fts5.get("text")
        if nofacets and base and nofacets.get("n"):
            ratio = [
                round(nofacets[f"{p}_ms"] / max(base[f"{p}_ms"], 1e-6), 2)
                for p in ("p50", "p95", "p99")
            ]
            lines.append(
                f"| {key} | text, facets off | FTS5 bm25 LIMIT 20 (course table) | {ratio[0]} "
                f"| {ratio[1]} | {ratio[2]} |"
            )
    lines += ["", "## Other numbers", ""]
    for key, run in runs.items():
        extra = {
            k: v
            for k, v in run.items()
            if k not in ("latency", "machine", "slowest", "fts5_course", "fts5_session")
        }
        lines.append(f"* **{key}** (load {run['machine']['load_average']}): `{json.dumps(extra)}`")
    lines += ["", "## Slowest queries", ""]
    for key, run in runs.items():
        for item in run.get("slowest", [])[:5]:
            lines.append(f"* {key}: {item['ms']} ms {item['shape']} `{json.dumps(item['params'])}`")
    notes = RESULTS / f"search-{DATE}.notes.md"
    if notes.exists():
        lines += ["", notes.read_text()]
    (RESULTS / f"search-{DATE}.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command")
    parser.add_argument("url", nargs="?")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--postgres", nargs="?", const=PG_DEFAULT, default=None)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--service-file", default=None, help="measure an older service.py")
    parser.add_argument("--paired", action="store_true", help="with --service-file: A/B")
    parser.add_argument("--label", default="", help="suffix of the result key, e.g. -before")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds per timed pass")
    parser.add_argument("--sql", action="store_true", help="service: SQL path, no accelerator")
    ns = parser.parse_args()
    random.seed(ns.seed)
    commands: dict[str, Callable[[argparse.Namespace], None]] = {
        "import": cmd_import,
        "copy-pg": cmd_copy_pg,
        "_rebuild": cmd_rebuild,
        "service": cmd_service,
        "_service": _service,
        "baselines": cmd_baselines,
        "_fts5": _fts5,
        "_tantivy": _tantivy,
        "http": cmd_http,
        "report": cmd_report,
    }
    commands[ns.command](ns)


if __name__ == "__main__":
    main()
