"""Planner benchmark: solve time on generated catalogs for many goal and constraint mixes.

    .venv/bin/python bench/planner_bench.py [--sizes 10000 100000] [--repeat 1]
        [--variant NAME] [--cold] [--db PATH] [--merge EARLIER.json] [--name planner-DATE-b]

For each size the generated catalog database under ``bench/work/`` (``check-10k.db``,
``search-100000.db``; made by ``ceatlas generate`` + ``ceatlas import``) is copied to
``bench/work/planner-<size>.db`` (the originals are not touched) and migrated; a therapist
with a Florida license and a few completed courses is added. Each mix is a call of
``Planner.plan`` as the CLI and API make it; measured separately:

- ``load``: reading candidate sessions from the database;
- ``prune``: pruning (window, radius, budget, modes, dominance, per-course cut);
- ``solve``: CP-SAT on the primary objective (the number the target is about);
- ``total``: everything, including 2 alternatives and, when infeasible, the explanation.

Results go to ``bench/results/planner-<date>.json`` and ``.md`` (``--name`` for another
name) with the machine. The planner keeps candidate sessions per catalog version in the
process, so the mixes after the first reuse what earlier ones built: ``--cold`` empties
that pool and the course facts before every call, as a fresh process (a one-shot ``ceatlas
plan``) would find them. To set two versions of the code side by side in one table, run the
older one with ``PYTHONPATH=<its checkout>/src``, ``--variant`` naming it and ``--db`` a copy
of the catalog migrated by it, then this one with ``--merge`` the first run's JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from ceatlas.accounts.service import Accounts
from ceatlas.compliance import CeRecords, EntryInput
from ceatlas.db import make_engine, migrate
from ceatlas.kb import load_kb
from ceatlas.planner.goals import GoalSpec
from ceatlas.planner.service import Planner, PlanOptions

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
RESULTS = ROOT / "results"
SOURCES = {10_000: "check-10k.db", 100_000: "search-100000.db"}
TODAY = dt.date(2027, 1, 1)  # the generated catalogs run through 2027
EMAIL = "bench@example.org"

MIXES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("oncology, cheapest", {"pathways": ("oncology-massage",)}, {}),
    ("oncology, budget 600", {"pathways": ("oncology-massage",)}, {"budget": 600}),
    (
        "oncology, in person near Tampa 150 km",
        {"pathways": ("oncology-massage",)},
        {"modes": ["in_person"], "near": "33602", "max_km": 150},
    ),
    ("oncology, earliest finish", {"pathways": ("oncology-massage",)}, {"objective": "finish"}),
    ("oncology, fewest trips", {"pathways": ("oncology-massage",)}, {"objective": "trips"}),
    ("oncology, weighted mix", {"pathways": ("oncology-massage",)}, {"objective": "mix"}),
    ("hospital, weekends only", {"pathways": ("hospital-based-massage",)}, {"days": ["weekend"]}),
    (
        "hospital, 1 per month, by June",
        {"pathways": ("hospital-based-massage",)},
        {"per_month": 1, "date_to": "2027-06-30"},
    ),
    (
        "lymphedema CLT, in person within 800 km of Chicago",
        {"pathways": ("certified-lymphedema-therapist",)},
        {"modes": ["in_person", "hybrid"], "near": "60601", "max_km": 800},
    ),
    ("MLD + oncology", {"pathways": ("manual-lymph-drainage", "oncology-massage")}, {}),
    (
        "medical massage, evenings online",
        {"pathways": ("medical-massage",)},
        {"modes": ["live_online", "self_paced_online"], "times": ["evening"]},
    ),
    (
        "injury rehab, near Chicago 100 km",
        {"pathways": ("injury-rehabilitation",)},
        {"near": "60601", "max_km": 100},
    ),
    ("myofascial, budget 400", {"pathways": ("myofascial-release",)}, {"budget": 400}),
    ("trigger point, by April", {"pathways": ("trigger-point-nmt",)}, {"date_to": "2027-04-30"}),
    ("FL renewal gap", {"licenses": ("FL",)}, {}),
    ("FL renewal, near Miami 80 km", {"licenses": ("FL",)}, {"near": "33131", "max_km": 80}),
    ("FL renewal + oncology", {"licenses": ("FL",), "pathways": ("oncology-massage",)}, {}),
    (
        "FL renewal + oncology, budget 700",
        {"licenses": ("FL",), "pathways": ("oncology-massage",)},
        {"budget": 700},
    ),
    ("techniques: MLD, cupping", {"techniques": ("manual-lymph-drainage", "cupping")}, {}),
    (
        "caseload: sciatica, fibromyalgia, TMJ",
        {"caseload": ("sciatica", "fibromyalgia", "temporomandibular-joint-disorder")},
        {},
    ),
    (
        "caseload + hospital, weekends, 1/month",
        {"caseload": ("sciatica", "lymphedema"), "pathways": ("hospital-based-massage",)},
        {"days": ["weekend"], "per_month": 1},
    ),
    (
        "competencies, budget 300, online",
        {"competencies": ("clinical-documentation", "pathology", "ethics")},
        {"budget": 300, "modes": ["live_online", "self_paced_online"]},
    ),
]


def prepare(size: int) -> Path:
    target = WORK / f"planner-{size}.db"
    if not target.exists():
        shutil.copyfile(WORK / SOURCES[size], target)
    return target


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "note": "load average when the results were written "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (the machine may be shared; compare runs of one table only)",
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def _forget_pools() -> None:
    """Empty the planner's per-process caches (where this version of the code has them)."""
    from ceatlas.planner import candidates

    for name in ("_POOLS", "_FACTS"):
        found = getattr(candidates, name, None)
        if isinstance(found, dict):
            found.clear()


def run(
    size: int, repeat: int, variant: str = "", cold: bool = False, db: Path | None = None
) -> list[dict[str, Any]]:
    path = db or prepare(size)
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    kb = load_kb()
    records = CeRecords(engine, kb, WORK / "planner-data")
    therapist(engine, records)
    user = records.therapist_id(EMAIL)
    planner = Planner(engine, kb, records)
    rows = []
    for name, goals, options in MIXES:
        for attempt in range(repeat):
            if cold:
                _forget_pools()
            started, cpu_started = time.perf_counter(), time.process_time()
            outcome = planner.plan(
                user,
                GoalSpec(**goals),
                PlanOptions(date_from=TODAY.isoformat(), time_limit=10.0, **options),
                TODAY,
            )
            total = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            r = outcome.result
            stats = r.stats
            rows.append(
                {
                    "size": size,
                    "variant": variant,
                    "load1": round(os.getloadavg()[0], 2),
                    "mix": name,
                    "attempt": attempt,
                    "status": r.status,
                    "optimal": bool(r.plan and r.plan.optimal),
                    "gap": r.plan.gap if r.plan else None,
                    "candidates": stats.get("candidates"),
                    "after_pruning": stats.get("after_pruning"),
                    "load_s": round(total - float(stats.get("seconds", 0.0)), 3),
                    "prune_s": round(float(stats.get("prune_seconds", 0.0)), 3),
                    "solve_s": round(float(stats.get("primary_seconds", 0.0)), 3),
                    "total_s": round(total, 3),
                    "cpu_s": round(cpu, 3),
                    "cost": r.plan.cost / 100 if r.plan else None,
                    "sessions": len(r.plan.sessions) if r.plan else 0,
                    "alternatives": len(r.alternatives),
                    "unmet": len(r.unmet),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    engine.dispose()
    return rows


def therapist(engine: Any, records: CeRecords) -> int:
    """The benchmark's therapist (a Florida license, a completed ethics course), added once."""
    accounts = Accounts(engine)
    if accounts.count() == 0 or not _exists(records):
        accounts.sign_up(EMAIL, "correct horse battery staple", "Bench")
        user = records.therapist_id(EMAIL)
        records.add_license(user, "FL", cycle_end="2027-08-31", today=TODAY)
        records.add_entry(
            user,
            EntryInput(
                title="Ethics",
                completed_on="2026-06-01",
                hours="2",
                format="self_paced",
                approvals=["NCBTMB"],
                categories=["ethics"],
            ),
            TODAY,
        )
    return records.therapist_id(EMAIL)


def _exists(records: CeRecords) -> bool:
    try:
        records.therapist_id(EMAIL)
    except Exception:
        return False
    return True


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _group(r: dict[str, Any]) -> str:
    return f"{r['size']} {r['variant']}" if r.get("variant") else str(r["size"])


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in dict.fromkeys(_group(r) for r in rows):
        mine = [r for r in rows if _group(r) == group]
        out[group] = {
            metric: {
                "p50": round(statistics.median(r[metric] for r in mine), 3),
                "p95": round(p95([r[metric] for r in mine]), 3),
                "max": round(max(r[metric] for r in mine), 3),
            }
            for metric in ("solve_s", "prune_s", "load_s", "total_s", "cpu_s")
            if all(metric in r for r in mine)
        } | {
            "runs": len(mine),
            "proven_optimal": sum(1 for r in mine if r["optimal"]),
            "infeasible": sum(1 for r in mine if r["status"] == "infeasible"),
            "max_gap": max((r["gap"] or 0.0 for r in mine), default=0.0),
        }
    return out


def write(rows: list[dict[str, Any]], name: str | None = None) -> Path:
    RESULTS.mkdir(exist_ok=True)
    day = dt.date.today().isoformat()
    stem = name or f"planner-{day}"
    data: dict[str, Any] = {
        "date": day,
        "machine": machine(),
        "summary": summary(rows),
        "runs": rows,
    }
    (RESULTS / f"{stem}.json").write_text(json.dumps(data, indent=2) + "\n")
    lines = [
        f"# Planner benchmark, {day}",
        "",
        f"Machine: {data['machine']['cpu']}, {data['machine']['cores']} cores, Python "
        f"{data['machine']['python']} ({data['machine']['note']}). CP-SAT with 2 workers, "
        "10 s limit per solve. `solve` = CP-SAT on the primary objective; `prune` = candidate "
        "pruning; `load` = the rest outside the last solve (reading candidates, building the "
        "goals, and the first, narrowed attempt when a plan is made twice); `total` = the "
        "whole `Planner.plan` call incl. 2 alternatives and explanations (wall clock); "
        "`CPU` = the CPU time of the process during the call (all its threads: CP-SAT's "
        "2 workers count twice), less swayed than the wall clock by other work on a shared "
        "machine.",
        "",
        "| sessions | runs | proven optimal | infeasible | solve p50 / p95 / max (s) | "
        "prune p95 (s) | load p95 (s) | total p50 / p95 (s) | CPU p50 / p95 (s) | max gap |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for group, s in data["summary"].items():
        size, _, variant = group.partition(" ")
        lines.append(
            f"| {int(size):,} {variant} | {s['runs']} | {s['proven_optimal']} | "
            f"{s['infeasible']} | "
            f"{s['solve_s']['p50']} / {s['solve_s']['p95']} / {s['solve_s']['max']} | "
            f"{s['prune_s']['p95']} | {s['load_s']['p95']} | "
            f"{s['total_s']['p50']} / {s['total_s']['p95']} | "
            f"{s.get('cpu_s', {}).get('p50', '-')} / {s.get('cpu_s', {}).get('p95', '-')} | "
            f"{s['max_gap']:.3f} |"
        )
    lines += [
        "",
        "| sessions | mix | status | candidates -> pruned | solve s | total s | CPU s | load avg "
        "| cost |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} {r.get('variant', '')} | {r['mix']} | {r['status']} | "
            f"{r['candidates']} -> "
            f"{r['after_pruning']} | {r['solve_s']} | {r['total_s']} | {r.get('cpu_s', '-')} | "
            f"{r.get('load1', '-')} | {r['cost']} |"
        )
    notes = RESULTS / f"{stem}.notes.md"
    if notes.exists():
        lines += ["", notes.read_text()]
    path = RESULTS / f"{stem}.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--variant", default="", help="a name for this run's rows")
    parser.add_argument("--cold", action="store_true", help="empty the planner's caches first")
    parser.add_argument("--db", type=Path, default=None, help="the catalog database to use")
    parser.add_argument("--merge", type=Path, default=None, help="add the rows of this JSON")
    parser.add_argument("--name", default=None, help="result file name (no extension)")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    if args.merge is not None:
        rows += json.loads(args.merge.read_text())["runs"]
    for size in args.sizes:
        rows += run(size, args.repeat, args.variant, args.cold, args.db)
    print(write(rows, args.name))


if __name__ == "__main__":
    main()
