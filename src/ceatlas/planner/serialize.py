"""A plan outcome as plain JSON-ready data (for the CLI's --json and the API)."""

from __future__ import annotations

from typing import Any

from ceatlas.planner.service import PlanOutcome
from ceatlas.planner.solve import Plan


def plan_json(outcome: PlanOutcome) -> dict[str, Any]:
    r = outcome.result

    def one(p: Plan) -> dict[str, Any]:
        return {
            "label": p.label,
            "objective": p.objective,
            "optimal": p.optimal,
            "gap": p.gap,
            "totals": {
                "cost": p.cost / 100,
                "hours": p.hours / 100,
                "days_away": p.days_away,
                "distance_km": p.distance_km,
                "trips": p.trips,
                "finish": p.finish,
            },
            "sessions": [
                {
                    "session": s.candidate.id,
                    "course": s.candidate.course,
                    "title": s.candidate.title,
                    "provider": s.candidate.provider,
                    "mode": s.candidate.mode,
                    "start": s.candidate.first_day,
                    "end": s.candidate.last_day,
                    "price": s.candidate.price / 100,
                    "hours": s.candidate.hours / 100,
                    "location": s.candidate.location,
                    "distance_km": s.candidate.distance_km,
                    "url": s.candidate.url,
                    "serves": s.serves,
                    "why": s.why,
                }
                for s in p.sessions
            ],
        }

    k = outcome.constraints
    return {
        "status": r.status,
        "partial": r.partial,
        "plan": one(r.plan) if r.plan else None,
        "alternatives": [one(a) for a in r.alternatives],
        "explanation": r.explanation,
        "unmet": r.unmet,
        "notes": r.notes,
        "goals": {
            "pathways": list(outcome.spec.pathways),
            "licenses": list(outcome.spec.licenses),
            "competencies": list(outcome.spec.competencies),
            "techniques": list(outcome.spec.techniques),
            "caseload": list(outcome.spec.caseload),
        },
        "constraints": {
            "budget": None if k.budget is None else k.budget / 100,
            "date_from": k.date_from,
            "date_to": k.date_to,
            "modes": sorted(k.modes) if k.modes else None,
            "home": outcome.home_label,
            "max_km": k.max_km,
            "per_month": k.per_month,
        },
        "deadlines": [{"label": label, "date": day} for label, day in outcome.deadlines],
        "stats": r.stats,
    }
