"""Reading candidates with undated online sessions collapsed to their cheapest in SQL
gives the same plans as reading every session and leaving it to pruning."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from ceatlas.accounts.service import Accounts
from ceatlas.catalog.models import CourseSession
from ceatlas.catalog.service import Catalog
from ceatlas.compliance import CeRecords
from ceatlas.kb import load_kb
from ceatlas.planner import candidates, service
from ceatlas.planner.goals import GoalSpec
from ceatlas.planner.service import Planner, PlanOptions
from ceatlas.planner.solve import PlanResult

TODAY = dt.date(2027, 1, 4)


def _add_copies(engine: Engine) -> int:
    """Copies of every undated online session: dearer, equally priced, cheaper with more
    supervised hours, and dearer with other workload hours."""
    table = CourseSession.__table__
    with engine.begin() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(table).where(
                    table.c.start_date.is_(None),
                    table.c.mode.in_(("live_online", "self_paced_online")),
                )
            )
        ]
        added = 0
        for row in rows:
            price = row["price"] or 0
            variants: list[dict[str, Any]] = [
                {"price": price + 1500},
                {"price": price},
                {"price": max(0, price - 500), "supervised_hours": 3},
                {"price": price + 700, "workload_hours": 40},
                {"price": price + 2500, "mode": "live_online"},
            ]
            for n, change in enumerate(variants):
                copy = {k: v for k, v in row.items() if k != "id"}
                copy.update(change, key=f"{row['key']}-copy{n}")
                conn.execute(sa.insert(table).values(**copy))
                added += 1
    return added


def _plan(planner: Planner, user: int, goals: GoalSpec, options: PlanOptions) -> PlanResult:
    return planner.plan(user, goals, dataclasses.replace(options), TODAY).result


def _key(r: PlanResult) -> tuple[Any, ...]:
    # Objective values, not session ids: CP-SAT on 2 workers may return any of several
    # equally good plans.
    return (
        r.status,
        [(p.label, p.value, p.optimal) for p in ([r.plan] if r.plan else []) + r.alternatives],
        r.explanation,
        r.unmet,
        r.notes,
        r.stats.get("after_pruning"),
        r.stats.get("dropped", {}).get("reduced"),
    )


CASES = [
    (GoalSpec(pathways=("oncology-massage",), licenses=("FL",)), PlanOptions()),
    (GoalSpec(pathways=("oncology-massage",), licenses=("FL",)), PlanOptions(budget=300)),
    (GoalSpec(licenses=("FL",)), PlanOptions(modes=["self-paced", "online"])),
    (GoalSpec(licenses=("FL",)), PlanOptions(objective="finish", max_per_course=None)),
    (GoalSpec(pathways=("oncology-massage",)), PlanOptions(objective="mix", max_pool=None)),
    (GoalSpec(licenses=("FL",)), PlanOptions(budget=0)),
]


def test_collapsed_reading_gives_the_same_plans(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = load_kb()
    Catalog(engine, kb).load_sample(TODAY)
    assert _add_copies(engine) > 0
    user = Accounts(engine).sign_up("collapse@example.org", "correct horse battery", "C").id
    records = CeRecords(engine, kb, tmp_path)
    records.add_license(user, "FL", cycle_end=TODAY + dt.timedelta(days=300))
    planner = Planner(engine, kb, records)
    read: dict[bool, int] = {True: 0, False: 0}
    for goals, options in CASES:
        results = {}
        for collapse in (False, True):

            def load(*args: Any, collapse: bool = collapse, **kw: Any) -> Any:
                out = candidates.load_candidates(*args, collapse=collapse, **kw)
                read[collapse] += len(out)
                return out

            monkeypatch.setattr(service, "load_candidates", load)
            results[collapse] = _key(_plan(planner, user, goals, options))
        assert results[True] == results[False], (goals, options)
    assert read[True] < read[False]


def test_collapse_keeps_every_session_tied_at_the_lowest_price(engine: Engine) -> None:
    kb = load_kb()
    Catalog(engine, kb).load_sample(TODAY)
    _add_copies(engine)
    courses = candidates.course_facts(engine)
    load = functools.partial(
        candidates.load_candidates, engine, courses, date_from=TODAY, date_to=None
    )
    everything = load(collapse=False)
    kept = {c.id for c in load()}
    groups: dict[tuple[Any, ...], list[candidates.Candidate]] = {}
    for c in everything:
        if not c.meetings and c.mode in ("live_online", "self_paced_online"):
            groups.setdefault((c.course, c.mode, c.supervised_hours, c.hours), []).append(c)
        else:
            assert c.id in kept
    assert groups
    for group in groups.values():
        low = min(c.price for c in group)
        assert {c.id for c in group if c.price == low} <= kept
    assert len(kept) < len(everything)
