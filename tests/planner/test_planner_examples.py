"""Planner examples through the public entry points: shared sessions, explanations,
alternatives, and the Florida + oncology journey on the sample catalog."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import icalendar
from sqlalchemy import Engine

from ceatlas.accounts.service import Accounts
from ceatlas.catalog.service import Catalog
from ceatlas.compliance import CeRecords, EntryInput
from ceatlas.kb import load_kb
from ceatlas.planner import Candidate, Constraints, Meeting, Problem, Requirement, solve
from ceatlas.planner.export import plan_calendar, plan_pdf
from ceatlas.planner.goals import GoalSpec
from ceatlas.planner.service import Planner, PlanOptions

DAY = dt.date(2027, 3, 6)  # a Saturday


def session(
    sid: str, course: str, price: int, mode: str = "in_person", day: int = 0, **kw: object
) -> Candidate:
    meetings = (
        () if mode == "self_paced_online" else (Meeting(DAY + dt.timedelta(days=day), 540, 1020),)
    )
    return Candidate(
        id=sid,
        course=course,
        title=course,
        mode=mode,
        price=price,
        hours=800,
        meetings=meetings,
        distance_km=20.0 if mode == "in_person" else None,
        **kw,  # type: ignore[arg-type]
    )


def cover(label: str, ids: list[str]) -> Requirement:
    return Requirement(
        id=label, goal=label.split(":")[0], label=label, need=1, amounts=dict.fromkeys(ids, 1)
    )


def test_one_session_serves_two_goals() -> None:
    both = session("both", "B", 30000)
    a, b = session("a", "A", 20000, day=7), session("b", "C", 20000, day=14)
    result = solve(
        Problem(
            (both, a, b),
            (cover("oncology: x", ["both", "a"]), cover("FL renewal: y", ["both", "b"])),
        )
    )
    assert result.plan is not None
    assert [s.candidate.id for s in result.plan.sessions] == ["both"]
    assert result.plan.sessions[0].serves == ["oncology: x", "FL renewal: y"]
    assert result.plan.optimal


def test_capped_online_hours_do_not_hide_an_in_person_session_of_the_same_course() -> None:
    """Course B has an in-person and a self-paced session. With online hours capped at 3 h,
    6 h are reachable only with B in person; the capacity check must not rule that out."""
    hours = 200
    a = session("a", "A", 0, day=0)
    b_room, b_online = (
        session("b-room", "B", 0, day=7),
        session("b-web", "B", 0, "self_paced_online"),
    )
    c_online = session("c-web", "C", 0, "self_paced_online")
    pool = tuple(dataclasses.replace(s, hours=hours) for s in (b_online, a, b_room, c_online))
    requirement = Requirement(
        id="hours",
        goal="FL",
        label="FL renewal: hours",
        need=600,
        amounts={s.id: hours for s in pool},
        unit="hours",
        capped=frozenset({"b-web", "c-web"}),
        cap=300,
    )
    result = solve(Problem(pool, (requirement,)), alternatives=0)
    assert result.status == "optimal", result.explanation
    assert result.plan is not None
    assert result.plan.ids == {"a", "b-room", "c-web"}


def test_infeasible_budget_is_explained_by_relaxing_one_constraint() -> None:
    live = session("live", "A", 114000)
    online = session("online", "A", 62000, mode="live_online")
    problem = Problem(
        (live, online),
        (cover("goal: a", ["live", "online"]),),
        Constraints(budget=80000, modes=frozenset({"in_person"})),
    )
    result = solve(problem)
    assert result.status == "infeasible"
    assert "no plan under $800: the cheapest needs $1,140" in result.explanation
    assert any(
        line.endswith("gives one at $620") and "live-online" in line for line in result.explanation
    )


def test_prerequisite_must_end_before_and_alternatives_differ() -> None:
    pre_late = session("pre-late", "P", 1000, day=20)
    pre_early = session("pre-early", "P", 5000, day=1)
    main = session("main", "M", 10000, day=10, prerequisites=("P",))
    main_late = session("main-late", "M", 9000, day=30, prerequisites=("P",))
    result = solve(
        Problem((pre_late, pre_early, main, main_late), (cover("goal: m", ["main", "main-late"]),))
    )
    assert result.plan is not None
    ids = [s.candidate.id for s in result.plan.sessions]
    assert ids == ["pre-late", "main-late"]  # $100: the cheap prerequisite, then the later class
    finish = next(a for a in result.alternatives if a.objective == "finish")
    assert [s.candidate.id for s in finish.sessions] == ["pre-early", "main"]
    assert "prerequisite of M" in result.plan.sessions[0].why


def test_florida_license_and_oncology_on_the_sample_catalog(engine: Engine, tmp_path: Path) -> None:
    """The issue's "done when": what is missing, an optimal plan with alternatives, a
    calendar file (read back) and a PDF."""
    today = dt.date.today()
    kb = load_kb()
    Catalog(engine, kb).load_sample(today)
    user = Accounts(engine).sign_up("fl@example.org", "correct horse battery", "Fl").id
    records = CeRecords(engine, kb, tmp_path)
    records.add_license(user, "FL", cycle_end=today + dt.timedelta(days=400), today=today)
    records.add_entry(
        user,
        EntryInput(
            title="Ethics",
            completed_on=today - dt.timedelta(days=30),
            hours="2",
            format="self_paced",
            approvals=["NCBTMB"],
            categories=["ethics"],
        ),
        today,
    )
    status = records.status(user, today)[0]
    assert status.status == "missing"
    outcome = Planner(engine, kb, records).plan(
        user,
        GoalSpec(pathways=("oncology-massage",), licenses=("FL",)),
        PlanOptions(budget=5000),
        today,
    )
    result = outcome.result
    assert result.status == "optimal"
    assert result.plan is not None
    goals = {label.split(":")[0] for s in result.plan.sessions for label in s.serves}
    assert {"Oncology massage", "FL renewal"} <= goals
    assert result.alternatives
    assert result.plan.cost <= 500000
    calendar = icalendar.Calendar.from_ical(plan_calendar(result.plan, outcome.deadlines))
    summaries = [str(e.get("summary")) for e in calendar.walk("VEVENT")]
    assert any(s.startswith("Deadline: Florida renewal") for s in summaries)
    assert plan_pdf(result).startswith(b"%PDF")


def test_a_budget_too_small_for_everything_still_gives_the_most_it_allows() -> None:
    """Worked by hand: requirement A costs at least $100 (session a), B at least $200
    (session b), C at least $120 (session c); each alone fits a $250 budget. All three
    ($420), A and B ($300) and B and C ($320) do not; A and C ($220) do, the only pair that
    fits. The plan meets A and C, says B is left out, and still says why no plan meets
    everything."""
    a = session("a", "A", 10000, day=1)
    b = session("b", "B", 20000, day=2)
    c = session("c", "C", 12000, day=3)
    problem = Problem(
        (a, b, c),
        (cover("goal: A", ["a"]), cover("goal: B", ["b"]), cover("goal: C", ["c"])),
        Constraints(budget=25000),
    )
    result = solve(problem, alternatives=0)
    assert result.plan is not None
    assert sorted(s.candidate.id for s in result.plan.sessions) == ["a", "c"]
    assert result.plan.cost == 22000
    assert result.unmet == ["goal: B: left out to stay within your limits"]
    assert any("no plan under $250" in line for line in result.explanation)


def test_rejected_approvals_never_count_toward_a_license(engine: Engine, tmp_path: Path) -> None:
    """Florida counts a course only through an approval it accepts. With every approval of
    the sample catalog as declared, the plan meets the Florida renewal; once an
    administrator has rejected every approval claim, no session counts toward Florida, so
    no plan session serves it and the renewal is reported unmet."""
    import sqlalchemy as sa

    from ceatlas.catalog.models import CourseApproval, ProviderApproval

    today = dt.date.today()
    kb = load_kb()
    Catalog(engine, kb).load_sample(today)
    user = Accounts(engine).sign_up("fl@example.org", "correct horse battery", "Fl").id
    records = CeRecords(engine, kb, tmp_path)
    records.add_license(user, "FL", cycle_end=today + dt.timedelta(days=400), today=today)
    planner = Planner(engine, kb, records)
    goal, options = GoalSpec(licenses=("FL",)), PlanOptions(budget=5000)

    def florida_sessions() -> int:
        result = planner.plan(user, goal, options, today).result
        assert result.plan is not None or result.unmet
        sessions = result.plan.sessions if result.plan else []
        return sum(1 for s in sessions if any(label.startswith("FL") for label in s.serves))

    assert florida_sessions() > 0
    with engine.begin() as conn:
        conn.execute(sa.update(CourseApproval).values(status="rejected"))
        conn.execute(sa.update(ProviderApproval).values(status="rejected"))
    assert florida_sessions() == 0
