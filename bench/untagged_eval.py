"""An untagged catalog against a tagged one: filters, recommendations and plans.

    .venv/bin/python bench/untagged_eval.py

Publishes the 200 labelled course records of ``tests/catalog/reader_set`` as schema.org
courses (untagged, and tagged from the provider keywords), answers each catalog the
previous way (the provider's tags) and the current way (the course reader's primary and
secondary terms), and scores filters, recommendations and plans against the labels
(:mod:`ceatlas.quality.untagged`). Writes ``bench/results/untagged-<date>.md`` and
``.json`` with the machine and load average.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SET = ROOT.parent / "tests" / "catalog" / "reader_set"


def main() -> int:
    from ceatlas.kb import load_kb
    from ceatlas.quality.untagged import evaluate, report

    started = time.perf_counter()
    load = os.getloadavg()
    results = evaluate(load_kb(), SET)
    seconds = time.perf_counter() - started
    machine = (
        f"Python {sys.version.split()[0]}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    today = dt.date.today().isoformat()
    text = "\n".join(
        [
            f"# Untagged against tagged catalog ({today})",
            "",
            f"Machine: {machine}. Whole run: {seconds:.1f} s.",
            "",
            "Catalogs: the 200 labelled records of tests/catalog/reader_set, one live-online "
            "session each. *untagged*: title and description only. *tagged*: plus the "
            "provider keywords that name a knowledge-base term as teaches/about/category "
            "tags. *tags*: read by the provider's tags (the previous behaviour). *reader*: "
            "read by the course reader's primary and secondary terms (now). Truth: the "
            "labels (primary or secondary). The reader was tuned while looking at this set, "
            "so its figures are optimistic.",
            "",
            report(results),
            "",
        ]
    )
    out = ROOT / "results" / f"untagged-{today}"
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    data = {
        "machine": machine,
        "seconds": round(seconds, 1),
        "results": {name: dataclasses.asdict(o) for name, o in results.items()},
    }
    out.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
