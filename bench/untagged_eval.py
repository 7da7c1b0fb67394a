"""An untagged catalog against a tagged one: filters, recommendations and plans.

    .venv/bin/python bench/untagged_eval.py [FOLDER [SUFFIX]]

Publishes the 200 labelled course records of ``tests/catalog/reader_set`` as schema.org
courses (untagged, and tagged from the provider keywords); or the records of FOLDER, e.g.
``tests/catalog/reader_heldout`` (never tuned on), answers each catalog the
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

    folder = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else SET
    suffix = f"-{sys.argv[2]}" if len(sys.argv) > 2 else ""
    count = sum(1 for line in _lines(folder) if line.startswith("- id:"))
    started = time.perf_counter()
    load = os.getloadavg()
    results = evaluate(load_kb(), folder)
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
            f"Catalogs: the {count} labelled records of {folder.relative_to(ROOT.parent)}, "
            "one live-online "
            "session each. *untagged*: title and description only. *tagged*: plus the "
            "provider keywords that name a knowledge-base term as teaches/about/category "
            "tags. *tags*: read by the provider's tags (the previous behaviour). *reader*: "
            "read by the course reader's primary and secondary terms (now). Truth: the "
            "labels (primary or secondary). "
            + (
                "The reader was tuned while looking at this set, so its figures are optimistic."
                if folder == SET
                else "This set was never examined or tuned on."
            ),
            "",
            report(results),
            "",
        ]
    )
    out = ROOT / "results" / f"untagged-{today}{suffix}"
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    data = {
        "machine": machine,
        "seconds": round(seconds, 1),
        "results": {name: dataclasses.asdict(o) for name, o in results.items()},
    }
    out.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(text)
    return 0


def _lines(folder: Path) -> list[str]:
    return [
        line for path in sorted(folder.glob("*.yaml")) for line in path.read_text().splitlines()
    ]


if __name__ == "__main__":
    raise SystemExit(main())
