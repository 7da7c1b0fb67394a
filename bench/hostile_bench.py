"""Hostile files against a served app (issue 15): does the server keep answering, and how
much memory does it take?

    .venv/bin/python bench/hostile_bench.py [--previous-src DIR] [--timeout 300]

Starts ``ceatlas serve`` on a fresh SQLite database with the sample catalog, logs in as an
approved provider and uploads each file of the hostile corpus (``tests/hostile_files.py``:
six million empty objects in 18 MB, nesting 900 and 5,000 levels deep, a 12 MB script
block, a CSV with one byte that is not UTF-8) while a probe asks ``/healthz`` every 20 ms.
Per file: the upload's status and time, the problems reported, ``/healthz`` p50/p99/max
and the server's peak resident memory (VmHWM). With ``--previous-src`` the same run is
repeated with the code of another checkout (e.g. the commit before the limits) for the
side-by-side. Writes ``bench/results/hostile-<date>.{md,json}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests"))
from hostile_files import deep_json, good_line, many_empty_objects, page_with_blocks  # noqa: E402

PASSWORD = "Quiet-Harbour-Lantern-42"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def corpus() -> list[tuple[str, str, bytes]]:
    """(label, file name, bytes) of each hostile file."""
    csv = b"provider_key,provider_name,course_key,title\n" + b"".join(
        f"school,School,c-{i},Course {i}\n".encode() for i in range(50)
    )
    csv = csv.replace(b"Course 7\n", b"Course \xff 7\n")
    return [
        ("6,000,000 empty objects (18 MB)", "flood.json", many_empty_objects(6_000_000).encode()),
        ("nesting 900 deep, between valid lines", "deep.ndjson", _deep_lines(900)),
        ("nesting 5,000 deep", "deeper.json", deep_json(5_000).encode()),
        (
            "a 12 MB script block and one after it",
            "big.html",
            page_with_blocks(12_000_000).encode(),
        ),
        ("CSV, one byte not UTF-8 in 50 rows", "mixed.csv", csv),
    ]


def _deep_lines(levels: int) -> bytes:
    return (good_line(1) + "\n" + deep_json(levels) + "\n" + good_line(3) + "\n").encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _prepare(folder: Path, src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["CEATLAS_DATA_DIR"] = str(folder)
    env["CEATLAS_DATABASE_URL"] = f"sqlite:///{folder / 'ceatlas.db'}"
    if src is not None:
        env["PYTHONPATH"] = str(src)
    code = (
        "from ceatlas.config import load_settings\n"
        "from ceatlas.db import make_engine\n"
        "from ceatlas.kb import load_kb\n"
        "from ceatlas.catalog.service import Catalog\n"
        "from ceatlas.accounts import Accounts, Role\n"
        "import datetime as dt\n"
        "s = load_settings()\n"
        "e = make_engine(s.database_url)\n"
        "c = Catalog(e, load_kb()); c.init(); c.load_sample(dt.date.today())\n"
        "a = Accounts(e)\n"
        f"u = a.sign_up('bench@example.org', {PASSWORD!r}, 'Bench', Role.PROVIDER)\n"
        "from sqlalchemy import select\n"
        "from ceatlas.catalog.models import Provider\n"
        "with e.connect() as conn:\n"
        "    key = conn.scalar(select(Provider.key).order_by(Provider.id).limit(1))\n"
        "a.approve_provider(u.id, key)\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return env


def run(src: Path | None, timeout: float) -> list[dict[str, Any]]:
    """Every corpus file uploaded to a fresh server of the code at ``src`` (None: this)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp:
        env = _prepare(Path(tmp), src)
        port = _free_port()
        command = [sys.executable, "-m", "ceatlas", "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base)
            for label, name, data in corpus():
                rows.append(_upload(base, server.pid, label, name, data, timeout))
                if rows[-1]["status"] == "timeout":
                    break  # the server is still busy with it: the next would measure that
        finally:
            server.kill()
            server.wait()
    return rows


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _upload(
    base: str, pid: int, label: str, name: str, data: bytes, timeout: float
) -> dict[str, Any]:
    http = httpx.Client(base_url=base, timeout=timeout)
    token = _CSRF.search(http.get("/login").text)
    assert token
    form = {"email": "bench@example.org", "password": PASSWORD, "csrf_token": token.group(1)}
    assert http.post("/login", data=form).status_code == 303
    token = _CSRF.search(http.get("/provider/upload").text)
    assert token
    times: list[float] = []
    unanswered = [0]
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=base, timeout=2) as client:
            while not done.is_set():
                started = time.perf_counter()
                try:
                    client.get("/healthz")
                    times.append(time.perf_counter() - started)
                except httpx.HTTPError:
                    unanswered[0] += 1
                time.sleep(0.02)

    prober = threading.Thread(target=probe)
    prober.start()
    started = time.perf_counter()
    try:
        answer = http.post(
            "/provider/upload",
            data={"csrf_token": token.group(1)},
            files={"file": (name, data, "application/octet-stream")},
        )
        status: int | str = answer.status_code
        problems = re.findall(r"<td>([^<]*)</td></tr>", answer.text)[:2]
        imported = re.search(r"Records imported</dt><dd>(\d+)", answer.text)
    except httpx.TimeoutException:
        status, problems, imported = "timeout", [], None
    seconds = time.perf_counter() - started
    done.set()
    prober.join()
    http.close()
    ordered = sorted(times) or [float("nan")]
    return {
        "file": label,
        "bytes": len(data),
        "status": status,
        "seconds": round(seconds, 2),
        "records_imported": int(imported.group(1)) if imported else None,
        "first_problem": problems[0] if problems else None,
        "healthz_answers": len(times),
        "healthz_unanswered_within_2s": unanswered[0],
        "healthz_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "healthz_p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "healthz_max_ms": round(ordered[-1] * 1000, 1),
        "server_peak_rss_mib": round(_peak_rss_mib(pid), 1),
    }


def _table(title: str, rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"## {title}",
        "",
        "| file | status | seconds | imported | healthz p50 / p99 / max ms | unanswered "
        "| peak RSS MiB | first problem |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['file']} | {r['status']} | {r['seconds']} | {r['records_imported']} | "
            f"{r['healthz_p50_ms']} / {r['healthz_p99_ms']} / {r['healthz_max_ms']} | "
            f"{r['healthz_unanswered_within_2s']} | {r['server_peak_rss_mib']} | "
            f"{(r['first_problem'] or '')[:110]} |"
        )
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--previous-src", type=Path, help="src folder of the code to compare")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    load = os.getloadavg()
    result: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
        "load_average_at_start": load,
        "this code": run(None, args.timeout),
    }
    if args.previous_src:
        result["previous code"] = run(args.previous_src, args.timeout)
    result["load_average_at_end"] = os.getloadavg()
    out = ROOT / "results" / f"hostile-{result['date']}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"# Hostile files against a served app, {result['date']}",
        "",
        f"Machine: {result['machine']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in load)}, at end "
        f"{', '.join(f'{x:.2f}' for x in result['load_average_at_end'])}.",
        "",
        "Each file is uploaded through the provider upload page of a fresh `ceatlas serve` "
        "(SQLite, sample catalog) while a probe asks /healthz every 20 ms (2 s timeout). "
        "Targets (issue 15): /healthz p99 within 100 ms throughout, peak memory under 512 MiB.",
        "",
    ]
    lines += _table("This code", result["this code"])
    if "previous code" in result:
        lines += _table(f"Previous code ({args.previous_src})", result["previous code"])
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
