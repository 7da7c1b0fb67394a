"""Would a clinical instructor sign these recommendations and plans? Graded, side by side.

``tests/recommend/relevance_set.yaml`` holds an untagged catalog written as providers
publish (title, description, hours, price, how and where it is taught), caseloads with a
grade per course (3 what an instructor picks first, 2 a specific technique or a condition
covered in part, 1 marginally useful) and the courses it would be embarrassing to suggest,
and pathway goals with the courses that satisfy each requirement of the pathway's
standard and the courses that must never appear in their plan.

The catalog is imported through the public importer as schema.org courses (no tags; the
approvals a description names, or NCBTMB when it names none, as the set's convention
says), read by the course reader, then answered through the public entry points:

- recommendations, for each ranking (``coverage``: the previous behaviour; ``specific``):
  nDCG@10 (gain 2^grade - 1), precision@5 (grade 2 or more), embarrassing picks in the ten;
- plans, for each goal with and without the pathways' standards enforced: is a plan found,
  does it meet every requirement of the set (a satisfying course chosen, and the hours where
  an item asks for hours), how many embarrassing picks.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select

from ceatlas.accounts import Accounts
from ceatlas.catalog.models import Course
from ceatlas.catalog.service import Catalog
from ceatlas.compliance import CeRecords
from ceatlas.db import make_engine
from ceatlas.kb import KnowledgeBase
from ceatlas.planner.goals import GoalSpec
from ceatlas.planner.service import Planner, PlanOptions
from ceatlas.recommend import Caseload, Complaint, LexicalMatcher, Recommender
from ceatlas.recommend.service import Ranking

TODAY = dt.date(2026, 12, 2)
RANKINGS: tuple[Ranking, ...] = ("coverage", "specific")
#: how far a therapist with a home drives to an in-person class in these goals
TRAVEL_KM = 250.0
_APPROVALS = (
    (re.compile(r"NYSED|New York State Education", re.I), "state:NY"),
    (re.compile(r"Florida Board of Massage", re.I), "state:FL"),
    (re.compile(r"TDLR|Texas Health and Human Services", re.I), "state:TX"),
    (re.compile(r"NCBTMB", re.I), "NCBTMB"),
)
_MODE = {
    "in-person": ["onsite"],
    "live-online": ["online", "synchronous"],
    "self-paced": ["online", "asynchronous"],
}


def load_set(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def course_key(key: str) -> str:
    return f"https://relevance.example/courses/{key}"


def _key_of(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def approvals(description: str) -> list[str]:
    """The approvals a description names; NCBTMB when it names none (the set's rule)."""
    found = [code for pattern, code in _APPROVALS if pattern.search(description)]
    return found or ["NCBTMB"]


def documents(courses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The set's courses as untagged schema.org courses with one session each."""
    out = []
    for course in courses:
        key = str(course["key"])
        session: dict[str, Any] = {
            "@id": f"https://relevance.example/sessions/{key}",
            "courseMode": _MODE[str(course["mode"])],
            "offers": {"price": str(course["price"]), "priceCurrency": "USD"},
        }
        if course.get("start"):
            start = dt.date.fromisoformat(str(course["start"]))
            days = max(1, math.ceil(float(course["hours"]) / 8))
            end = start + dt.timedelta(days=days - 1)
            session["startDate"] = f"{start.isoformat()}T09:00:00-05:00"
            session["endDate"] = f"{end.isoformat()}T17:00:00-05:00"
        if course["mode"] == "in-person":
            session["location"] = {
                "@type": "Place",
                "name": f"{course['city']} training center",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": course["city"],
                    "addressRegion": course["state"],
                    "addressCountry": "US",
                },
            }
        out.append(
            {
                "@context": "https://schema.org",
                "@type": "Course",
                "@id": course_key(key),
                "name": str(course["title"]),
                "description": str(course["description"]),
                "timeRequired": f"PT{float(course['hours']):g}H",
                "numberOfCredits": float(course["hours"]),
                "approval": approvals(str(course["description"])),
                "provider": {
                    "@type": "Organization",
                    "name": "Relevance School",
                    "url": "https://relevance.example",
                },
                "hasCourseInstance": session,
            }
        )
    return out


# --- recommendations ----------------------------------------------------------------


@dataclass
class RecScore:
    caseloads: int = 0
    ndcg: float = 0.0
    precision5: float = 0.0
    embarrassing: list[str] = field(default_factory=list)
    none_found: int = 0
    first: dict[str, str] = field(default_factory=dict)

    @property
    def mean_ndcg(self) -> float:
        return self.ndcg / self.caseloads if self.caseloads else 0.0

    @property
    def mean_precision5(self) -> float:
        return self.precision5 / self.caseloads if self.caseloads else 0.0


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^grade - 1 and the ideal order of every graded course."""
    dcg = sum((2 ** grades.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def score_recommendations(
    engine: Engine, kb: KnowledgeBase, caseloads: list[dict[str, Any]], ranking: Ranking
) -> RecScore:
    recommender = Recommender(kb, engine, matcher=LexicalMatcher(kb), ranking=ranking)
    out = RecScore()
    for item in caseloads:
        caseload = Caseload(
            complaints=[
                Complaint(text=str(c["text"]), clients_per_month=float(c["count"]))
                for c in item["complaints"]
            ]
        )
        result = recommender.recommend(caseload, today=TODAY, assume_best=True)
        ranked = [_key_of(rec.course.key) for rec in result.courses[:10]]
        grades = {str(k): int(v) for k, v in (item.get("relevance") or {}).items()}
        out.caseloads += 1
        if not ranked:
            out.none_found += 1
        out.ndcg += ndcg(ranked, grades)
        out.precision5 += sum(1 for key in ranked[:5] if grades.get(key, 0) >= 2) / 5
        bad = set(item.get("embarrassing") or [])
        out.embarrassing += [f"{item['id']}: {key}" for key in ranked if key in bad]
        out.first[str(item["id"])] = ranked[0] if ranked else "-"
    return out


# --- plans --------------------------------------------------------------------------


@dataclass
class PlanScore:
    goals: int = 0
    found: int = 0
    meets_all: int = 0
    requirements: int = 0
    requirements_met: int = 0
    embarrassing: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)


def _meets(requirement: dict[str, Any], chosen: set[str], hours: dict[str, float]) -> bool:
    satisfying = chosen & set(requirement["satisfied_by"])
    if not satisfying:
        return False
    need = requirement.get("min_hours")
    return need is None or sum(hours[k] for k in satisfying) >= float(need)


def score_plans(
    engine: Engine,
    kb: KnowledgeBase,
    data: dict[str, Any],
    folder: Path,
    standards: bool,
) -> PlanScore:
    records = CeRecords(engine, kb, folder)
    planner = Planner(engine, kb, records)
    hours = {str(c["key"]): float(c["hours"]) for c in data["courses"]}
    accounts = Accounts(engine)
    out = PlanScore()
    for goal in data["pathways"]:
        out.goals += 1
        user: int | None = None
        if goal["pathway"] == "relaxation-spa":
            email = f"{goal['id']}-{'std' if standards else 'old'}@relevance.example"
            user = accounts.sign_up(email, "correct horse battery staple", str(goal["id"])).id
            for state in goal["states"]:
                records.add_license(
                    user, state, cycle_end=TODAY + dt.timedelta(days=300), today=TODAY
                )
            spec = GoalSpec(licenses=tuple(goal["states"]))
        else:
            spec = GoalSpec(pathways=(str(goal["pathway"]),))
        home = goal.get("home")
        options = PlanOptions(
            budget=goal.get("budget"),
            near=f"{home['city']}, {home['state']}" if home else None,
            max_km=TRAVEL_KM if home else None,
            modes=None if home else ["live_online", "self_paced_online"],
            time_limit=10,
            alternatives=0,
            use_profile=False,
            standards=standards,
        )
        outcome = planner.plan(user, spec, options, TODAY)
        plan = outcome.result.plan
        out.requirements += len(goal["requirements"])
        if plan is None:
            out.unmet.append(f"{goal['id']}: no plan")
            continue
        out.found += 1
        chosen = {_key_of(s.candidate.course) for s in plan.sessions}
        missing = [r["name"] for r in goal["requirements"] if not _meets(r, chosen, hours)]
        out.requirements_met += len(goal["requirements"]) - len(missing)
        if missing:
            out.unmet.append(f"{goal['id']}: " + "; ".join(m[:60] for m in missing))
        else:
            out.meets_all += 1
        bad = set(goal.get("embarrassing") or [])
        out.embarrassing += [f"{goal['id']}: {key}" for key in sorted(chosen & bad)]
    return out


# --- all together -------------------------------------------------------------------


@dataclass
class Outcome:
    recommendations: dict[Ranking, RecScore]
    plans: dict[str, PlanScore]
    unread: list[str]


def _courses_read(engine: Engine) -> list[str]:
    """Courses the reader found no main condition, technique, skill or subject in."""
    with engine.connect() as conn:
        rows = conn.execute(select(Course.key, Course.primary_terms)).all()
    return sorted(_key_of(key) for key, terms in rows if not terms)


def evaluate(kb: KnowledgeBase, path: Path, plans: bool = True) -> Outcome:
    """Import the set's catalog into a fresh SQLite file and score both behaviours."""
    data = load_set(path)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'relevance.db'}")
        try:
            catalog = Catalog(engine, kb)
            catalog.init()
            report = catalog.import_documents(documents(data["courses"]), "relevance")
            if report.records_rejected or report.problems:
                raise ValueError(f"the relevance catalog did not import: {report.problems[:3]}")
            recs = {
                ranking: score_recommendations(engine, kb, data["caseloads"], ranking)
                for ranking in RANKINGS
            }
            plan_scores = {}
            if plans:
                for standards in (False, True):
                    name = "standards enforced" if standards else "previous (items only)"
                    plan_scores[name] = score_plans(engine, kb, data, Path(tmp), standards)
            return Outcome(recs, plan_scores, _courses_read(engine))
        finally:
            engine.dispose()


def report(outcome: Outcome) -> str:
    """A Markdown report, previous and new behaviour side by side."""
    lines = [
        "| ranking | caseloads | nDCG@10 | precision@5 | embarrassing picks | none found |",
        "|---|---|---|---|---|---|",
    ]
    for ranking, r in outcome.recommendations.items():
        lines.append(
            f"| {ranking} | {r.caseloads} | {r.mean_ndcg:.3f} | {r.mean_precision5:.3f} "
            f"| {len(r.embarrassing)} | {r.none_found} |"
        )
    if outcome.plans:
        lines += [
            "",
            "| planner | goals | plan found | meets every requirement | requirements met "
            "| embarrassing picks |",
            "|---|---|---|---|---|---|",
        ]
        for name, p in outcome.plans.items():
            lines.append(
                f"| {name} | {p.goals} | {p.found} | {p.meets_all} "
                f"| {p.requirements_met} of {p.requirements} | {len(p.embarrassing)} |"
            )
    return "\n".join(lines)
