"""Web load benchmark (issue #5): HTTP search under wrk against the same server's /healthz.

    .venv/bin/python bench/web_load_bench.py [--source bench/work/search-100000.db]
        [--connections 50] [--duration 30] [--workers 2]

Copies the generated 100,000-session catalog (``ceatlas generate`` + ``ceatlas import``;
``bench/work/search-100000.db`` is reused when present, never modified), starts
``ceatlas serve`` on it, and runs wrk (Debian's ``wrk``) with 50 connections first on
``/healthz``, then on ``/api/v1/search`` cycling through six realistic queries (repeated
queries: mostly answered from the search service's answer cache), then cycling through
thousands of distinct generated queries (``bench/search_queries.py``; few repeats, so mostly
computed). Reports the throughput ratio search/healthz (target >= 0.5) and search p99
latency (target <= 100 ms) of both into ``bench/results/web-load-<date>.{json,md}`` with a
description of the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
RESULTS = ROOT / "results"
CEATLAS = Path(sys.executable).with_name("ceatlas")
QUERIES = [
    "/api/v1/search?q=sciatica&near=33602&radius=50&modes=in_person&days=weekend&max_price=400",
    "/api/v1/search?q=sciatica",
    "/api/v1/search?q=deep+tissue&modes=live_online",
    "/api/v1/search?conditions=low-back-pain&max_price=300",
    "/api/v1/search?q=prenatal+massage&near=Denver,+CO&radius=100",
    "/api/v1/search?techniques=myofascial-release&days=weekend&sort=price",
]
MIXED_COUNT, MIXED_SEED = 4000, 7
TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "?",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer {url} within {seconds:.0f} s")


def single_request_ms(url: str, repeat: int = 5) -> float:
    """Median time of one request at a time (no concurrency): the service time."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as answer:
            answer.read()
        times.append((time.perf_counter() - start) * 1000)
    return round(sorted(times)[len(times) // 2], 1)


def parse_wrk(text: str) -> dict[str, Any]:
    """Requests/s, latency percentiles (ms), errors, from ``wrk --latency`` output."""
    found: dict[str, Any] = {"raw": text}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    found["requests_per_second"] = float(rps.group(1)) if rps else 0.0
    total = re.search(r"(\d+) requests in", text)
    found["requests"] = int(total.group(1)) if total else 0
    for pct in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
        if match:
            found[f"p{pct}_ms"] = round(float(match.group(1)) * _UNITS[match.group(2)], 2)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    found["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    found["socket_errors"] = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True))
        if errors
        else {}
    )
    return found


def run_wrk(
    base: str, path: str, connections: int, duration: int, script: Path | None
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    command.append(base + path)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def mixed_paths() -> list[str]:
    """Distinct search URLs from the search benchmark's query generator, in its order."""
    sys.path.insert(0, str(ROOT.parent))
    from bench.search_queries import build_queries

    from ceatlas.kb import load_kb

    seen: dict[str, None] = {}
    for query in build_queries(load_kb(None), MIXED_COUNT, MIXED_SEED):
        seen["/api/v1/search?" + urllib.parse.urlencode(query["params"])] = None
    return list(seen)


def lua_script(paths: list[str]) -> str:
    quoted = ", ".join(json.dumps(p) for p in paths)
    return (
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )


def measure(args: argparse.Namespace) -> dict[str, Any]:
    if not args.source.exists():
        raise SystemExit(
            f"{args.source} is missing: build it with `ceatlas generate --sessions 100000` "
            "and `ceatlas import` (or bench/search_bench.py import --sessions 100000)"
        )
    WORK.mkdir(exist_ok=True)
    database = WORK / "web-load-100000.db"
    shutil.copyfile(args.source, database)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        env = os.environ | {
            "CEATLAS_DATABASE_URL": f"sqlite:///{database}",
            "CEATLAS_DATA_DIR": data,
            "CEATLAS_MODE": "development",
        }
        command = [str(CEATLAS), "serve", "--port", str(port), "--workers", str(args.workers)]
        log = (WORK / "web-load-server.log").open("w")
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(base + "/healthz", 180)
            for path in QUERIES:  # warm up: every query answers 200 once
                with urllib.request.urlopen(base + path, timeout=120) as answer:
                    assert answer.status == 200, path
            sequential = {path: single_request_ms(base + path) for path in QUERIES}
            script = Path(data) / "queries.lua"
            script.write_text(lua_script(QUERIES))
            mixed = mixed_paths()
            mixed_script = Path(data) / "mixed.lua"
            mixed_script.write_text(lua_script(mixed))
            load_before = os.getloadavg()
            health = run_wrk(base, "/healthz", args.connections, args.duration, None)
            search = run_wrk(base, QUERIES[0], args.connections, args.duration, script)
            search_mixed = run_wrk(base, mixed[0], args.connections, args.duration, mixed_script)
            load_after = os.getloadavg()
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
    ratio = search["requests_per_second"] / health["requests_per_second"]
    ratio_mixed = search_mixed["requests_per_second"] / health["requests_per_second"]
    return {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after],
        "settings": {
            "connections": args.connections,
            "duration_seconds": args.duration,
            "workers": args.workers,
            "database": "SQLite copy of " + args.source.name,
            "queries": QUERIES,
            "mixed_queries": {
                "distinct": len(mixed),
                "generator": f"bench/search_queries.py count={MIXED_COUNT} seed={MIXED_SEED}",
                "first": mixed[:5],
            },
        },
        "sequential_median_ms": sequential,
        "healthz": {k: v for k, v in health.items() if k != "raw"},
        "search": {k: v for k, v in search.items() if k != "raw"},
        "search_mixed": {k: v for k, v in search_mixed.items() if k != "raw"},
        "ratio_search_to_healthz": round(ratio, 4),
        "ratio_mixed_to_healthz": round(ratio_mixed, 4),
        "targets": {"ratio_min": TARGET_RATIO, "p99_max_ms": TARGET_P99_MS},
        "met": {
            "ratio": ratio >= TARGET_RATIO,
            "p99": search.get("p99_ms", float("inf")) <= TARGET_P99_MS,
            "ratio_mixed": ratio_mixed >= TARGET_RATIO,
            "p99_mixed": search_mixed.get("p99_ms", float("inf")) <= TARGET_P99_MS,
        },
        "wrk_output": {
            "healthz": health["raw"],
            "search": search["raw"],
            "search_mixed": search_mixed["raw"],
        },
    }


def report(result: dict[str, Any]) -> str:
    m = result["machine"]
    h, s = result["healthz"], result["search"]
    ratio, p99 = result["ratio_search_to_healthz"], s.get("p99_ms")
    lines = [
        f"# Web load benchmark, {result['date']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; Python {m['python']}, "
        f"SQLite {m['sqlite']}; {m['platform']}; {m['wrk']}.",
        f"Load average before/after: {result['load_average_before']} / "
        f"{result['load_average_after']} (the machine is shared with other work).",
        "",
        f"`ceatlas serve --workers {result['settings']['workers']}` on a SQLite copy of the "
        "100,000-session generated catalog; wrk, "
        f"{result['settings']['connections']} connections, "
        f"{result['settings']['duration_seconds']} s per endpoint, timeout 60 s.",
        "",
        "| endpoint | requests/s | p50 ms | p90 ms | p99 ms | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    mixed = result["settings"]["mixed_queries"]["distinct"]
    rows = (
        ("/healthz", h),
        ("/api/v1/search (6 queries, repeated)", s),
        (f"/api/v1/search ({mixed} distinct generated queries)", result["search_mixed"]),
    )
    for name, row in rows:
        lines.append(
            f"| {name} | {row['requests_per_second']:.1f} | {row.get('p50_ms', '-')} | "
            f"{row.get('p90_ms', '-')} | {row.get('p99_ms', '-')} | {row['non_2xx']} | "
            f"{row['socket_errors'] or 'none'} |"
        )
    verdict_ratio = "met" if result["met"]["ratio"] else "MISSED"
    verdict_p99 = "met" if result["met"]["p99"] else "MISSED"
    lines += [
        "",
        f"* Throughput ratio search/healthz: **{ratio:.3f}** (target >= {TARGET_RATIO}: "
        f"{verdict_ratio}).",
        f"* Search p99: **{p99} ms** (target <= {TARGET_P99_MS:.0f} ms: {verdict_p99}).",
        f"* Distinct generated queries: ratio **{result['ratio_mixed_to_healthz']:.3f}** "
        f"({'met' if result['met']['ratio_mixed'] else 'MISSED'}), p99 "
        f"**{result['search_mixed'].get('p99_ms')} ms** "
        f"({'met' if result['met']['p99_mixed'] else 'MISSED'}).",
        "",
        "Queries (cycled by a wrk Lua script), with the median time of one request at a time"
        " before the load (ms):",
        "",
        *[
            f"* `{q}`: {result['sequential_median_ms'].get(q, '-')}"
            for q in result["settings"]["queries"]
        ],
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=WORK / "search-100000.db")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--notes", default="", help="Appended to the Markdown report.")
    args = parser.parse_args()
    result = measure(args)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"web-load-{result['date']}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    stem.with_suffix(".md").write_text(report(result) + (f"\n{args.notes}\n" if args.notes else ""))
    print(report(result))


if __name__ == "__main__":
    main()
