"""Recommendations and pathway plans against a graded relevance set, before and after.

    .venv/bin/python bench/relevance_eval.py

Imports the 90 untagged courses of ``tests/recommend/relevance_set.yaml`` (title,
description, hours, price, how and where taught, as providers publish them), then scores
(:mod:`ceatlas.quality.relevance`):

- recommendations for 29 caseloads, ranked the previous way (``coverage``: techniques by
  raw clients, no generic, off-topic, survey or body-region rule) and the new way
  (``specific``): nDCG@10, precision@5, embarrassing picks;
- plans for 12 pathway and license goals, with the pathways' standards enforced and the
  previous way (every listed item covered by any course teaching it): plans found, goals
  with every requirement met, requirements met, embarrassing picks.

Writes ``bench/results/relevance-<date>.md`` and ``.json`` with the machine and load
average.
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
SET = ROOT.parent / "tests" / "recommend" / "relevance_set.yaml"


def main() -> int:
    from ceatlas.kb import load_kb
    from ceatlas.quality.relevance import evaluate, report

    started = time.perf_counter()
    load = os.getloadavg()
    outcome = evaluate(load_kb(), SET)
    seconds = time.perf_counter() - started
    machine = (
        f"Python {sys.version.split()[0]}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    today = dt.date.today().isoformat()
    lines = [
        f"# Recommendations and plans against the graded relevance set ({today})",
        "",
        f"Machine: {machine}. Whole run: {seconds:.1f} s.",
        "",
        "Set: tests/recommend/relevance_set.yaml, graded by hand from the course texts "
        "without the program's output (grades 3/2/1, embarrassing picks per caseload and "
        "goal). Both behaviours run on the same imported catalog, read by the course reader. "
        "The ranking rules were written while looking at this set's results, so the "
        "'specific' figures are optimistic.",
        "",
        report(outcome),
        "",
        "## Embarrassing picks",
        "",
    ]
    for ranking, rec in outcome.recommendations.items():
        lines.append(f"- recommendations, {ranking}: {', '.join(rec.embarrassing) or 'none'}")
    for name, plan in outcome.plans.items():
        lines.append(f"- plans, {name}: {', '.join(plan.embarrassing) or 'none'}")
    lines += ["", "## Requirements of the set a plan did not meet", ""]
    for name, plan in outcome.plans.items():
        lines.append(f"### {name}")
        lines += [f"- {u}" for u in plan.unmet]
        lines.append("")
    text = "\n".join(lines)
    out = ROOT / "results" / f"relevance-{today}"
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    data = {
        "machine": machine,
        "seconds": round(seconds, 1),
        "recommendations": {
            name: {
                **dataclasses.asdict(r),
                "mean_ndcg": round(r.mean_ndcg, 3),
                "mean_precision5": round(r.mean_precision5, 3),
            }
            for name, r in outcome.recommendations.items()
        },
        "plans": {name: dataclasses.asdict(p) for name, p in outcome.plans.items()},
        "courses_with_no_main_subject": outcome.unread,
    }
    out.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
