"""Sync benchmark (issue 13): 1,000 class pages behind a sitemap on a loopback server.

    .venv/bin/python bench/sync_bench.py [--pages 1000]

The first sync imports every page; then half the pages change (a session's price) and
the second sync runs: the unchanged half answers 304 to the conditional requests. Reports
pages per second of each sync and the share of requests answered 304, into
``bench/results/sync-<date>.json`` and ``.md``. SQLite in a temporary folder; the course
reader is left out (no KB), as it is measured by bench/reader_bench.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.server
import json
import platform
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

from ceatlas.catalog.source_registry import add_source
from ceatlas.catalog.sync import SyncOptions, sync_sources
from ceatlas.db import make_engine, migrate

ROOT = Path(__file__).resolve().parent


def page(n: int, price: int) -> bytes:
    doc = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": f"https://bench.example.com/classes/{n}",
        "name": f"Bench class {n}: myofascial release for the low back",
        "provider": {"@id": "https://bench.example.com/", "name": "Bench CE"},
        "courseMode": "online",
        "hasCourseInstance": [
            {
                "@id": f"https://bench.example.com/classes/{n}/{d}",
                "courseMode": "online",
                "startDate": f"2027-0{d}-1{n % 10}T18:00:00-05:00",
                "offers": {"price": str(price), "priceCurrency": "USD"},
            }
            for d in (3, 4)
        ],
    }
    script = json.dumps(doc)
    return (
        f'<html><head><script type="application/ld+json">{script}</script></head>'
        f"<body><h1>Class {n}</h1></body></html>"
    ).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, bytes]] = {}
    statuses: ClassVar[list[int]] = []

    def do_GET(self) -> None:
        body = self.pages.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        status = 304 if self.headers.get("If-None-Match") == etag else 200
        self.statuses.append(status)
        self.send_response(status)
        self.send_header("ETag", etag)
        kind = "application/xml" if self.path.endswith(".xml") else "text/html"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
        self.end_headers()
        if status == 200:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    n = args.pages
    Handler.pages = {f"/classes/{i}.html": page(i, 100) for i in range(n)}
    Handler.pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    locs = "".join(f"<url><loc>/classes/{i}.html</loc></url>" for i in range(n))
    Handler.pages["/sitemap.xml"] = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</urlset>"
    ).encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    options = SyncOptions(user_agent="CE Atlas bench", timeout=10, host_delay=0)
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        add_source(engine, base + "/sitemap.xml")
        for label in ("first sync (all new)", "second sync (half changed)"):
            if label.startswith("second"):
                for i in range(0, n, 2):
                    Handler.pages[f"/classes/{i}.html"] = page(i, 120)
            Handler.statuses.clear()
            start = time.perf_counter()
            report = sync_sources(engine, None, options, everything=True)[0]
            seconds = time.perf_counter() - start
            statuses = list(Handler.statuses)
            runs.append(
                {
                    "run": label,
                    "pages": n + 1,
                    "seconds": round(seconds, 2),
                    "pages_per_second": round((n + 1) / seconds, 1),
                    "requests": len(statuses),
                    "share_304": round(statuses.count(304) / len(statuses), 3),
                    "imported": report.pages_imported,
                    "not_modified": report.not_modified,
                    "sessions": vars(report.sessions),
                }
            )
            print(json.dumps(runs[-1]))
        engine.dispose()
    server.shutdown()
    server.server_close()
    thread.join()
    day = dt.date.today().isoformat()
    out = {"machine": platform.platform(), "python": platform.python_version(), "runs": runs}
    results = ROOT / "results"
    results.mkdir(exist_ok=True)
    (results / f"sync-{day}.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = [
        f"# Sync benchmark, {day}",
        "",
        f"{n} class pages behind a sitemap on a loopback server, SQLite, no course reader,",
        f"no per-host pause. Machine: {out['machine']}, Python {out['python']}.",
        "",
        "| run | pages | seconds | pages/s | requests | answered 304 | imported |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['run']} | {r['pages']} | {r['seconds']} | {r['pages_per_second']} | "
            f"{r['requests']} | {r['share_304']:.1%} | {r['imported']} |"
        )
    (results / f"sync-{day}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
