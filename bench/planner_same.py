"""Dump every planner benchmark mix's answer as JSON, to compare two versions of the code.

Compare everything but ``sessions``/``alternatives`` (the ids): plans of equal value may
differ in which sessions they pick from run to run.

    PYTHONPATH=<other checkout>/src .venv/bin/python bench/planner_same.py OUT.json [SIZE] [DB]

Each mix's status, cost, chosen sessions (of the plan and of each alternative), unmet
requirements and notes, with the call's wall-clock time. ``diff`` two dumps to check that
a speed change kept the answers.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from ceatlas.compliance import CeRecords
from ceatlas.db import make_engine, migrate
from ceatlas.kb import load_kb
from ceatlas.planner.goals import GoalSpec
from ceatlas.planner.service import Planner, PlanOptions

_spec = importlib.util.spec_from_file_location(
    "planner_bench", Path(__file__).with_name("planner_bench.py")
)
assert _spec is not None
assert _spec.loader is not None
pb: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pb)  # the benchmark's mixes, catalog and therapist


def _values(plan: Any) -> dict[str, Any] | None:
    """The value of the plan's own objective (plans of equal value may differ in their
    sessions and in what the objective does not see, such as hours: CP-SAT with two
    workers breaks ties differently from run to run)."""
    if plan is None:
        return None
    seen = {
        "cost": ("cost",),
        "finish": ("finish",),
        "trips": ("trips",),
        "mix": ("cost", "finish", "trips"),
    }[plan.objective]
    return {"objective": plan.objective, "optimal": plan.optimal} | {
        name: str(getattr(plan, name)) for name in seen
    }


def main() -> None:
    out = Path(sys.argv[1])
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    # Each version of the code on its own copy of the catalog (a newer one migrates it).
    path = Path(sys.argv[3]) if len(sys.argv) > 3 else pb.WORK / f"planner-same-{size}.db"
    if not path.exists():
        shutil.copyfile(pb.WORK / pb.SOURCES[size], path)
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    kb = load_kb()
    records = CeRecords(engine, kb, path.parent / f"{path.stem}-data")
    user = pb.therapist(engine, records)
    planner = Planner(engine, kb, records)
    answers = {}
    for name, goals, options in pb.MIXES:
        started = time.perf_counter()
        outcome = planner.plan(
            user,
            GoalSpec(**goals),
            PlanOptions(date_from=pb.TODAY.isoformat(), **options),
            pb.TODAY,
        )
        seconds = time.perf_counter() - started
        r = outcome.result
        answers[name] = {
            "status": r.status,
            "plan_values": _values(r.plan),
            "alternative_values": [_values(a) for a in r.alternatives],
            "sessions": sorted(p.candidate.id for p in r.plan.sessions) if r.plan else [],
            "alternatives": [sorted(p.candidate.id for p in a.sessions) for a in r.alternatives],
            "unmet": r.unmet,
            "notes": r.notes,
            "explanation": r.explanation,
            "seconds": round(seconds, 3),
        }
        print(f"{seconds:7.3f} s  {name}", flush=True)
    out.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
