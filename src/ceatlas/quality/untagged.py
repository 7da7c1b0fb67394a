"""Does an untagged catalog answer filters, recommendations and plans as well as a tagged one?

The 200 labelled course records of ``tests/catalog/reader_set`` (title, description,
provider keywords, and per field the terms that are primary, secondary or only mentioned)
are published as schema.org courses, one live-online session each, in two ways:

- **untagged**: title and description only, as most providers publish;
- **tagged**: the same plus the provider's keywords turned into ``teaches`` / ``about`` /
  ``category`` tags (each keyword that names a KB term), the best a tagged feed offers.

Each catalog is answered two ways: **tags** (the previous behaviour: filters,
recommendations and plans read the provider's tags, every tag counted as covered) and
**reader** (what they read now: the course reader's primary and secondary terms). The truth
is the labels: a course *covers* a term that is labelled primary or secondary.

Measured through the public entry points (search, recommendations, planner):
- condition and technique filters: micro precision and recall over every labelled term,
  and how many results come from a course that only *mentions* the term;
- recommendations for a caseload of one condition: is the first course about it, what
  share of the first three cover it, how many of the first three only mention it;
- plans for one technique: is a plan found, and does every planned course teach it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from ceatlas.catalog.models import Course
from ceatlas.catalog.reader_eval import load_set
from ceatlas.catalog.service import Catalog
from ceatlas.compliance import CeRecords
from ceatlas.db import make_engine
from ceatlas.kb import KnowledgeBase
from ceatlas.planner.goals import GoalSpec
from ceatlas.planner.service import Planner, PlanOptions
from ceatlas.recommend import Caseload, Complaint, LexicalMatcher, Recommender
from ceatlas.search import SearchQuery
from ceatlas.search.service import SearchService

TODAY = dt.date(2026, 12, 2)
FIELDS = {"conditions": "conditions", "techniques": "techniques"}
_TAG_PROPERTY = {"techniques": "teaches", "conditions": "about", "categories": "category"}


@dataclass
class Truth:
    """Labelled terms per course key: covers (primary or secondary) and mentioned."""

    covers: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    mentioned: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def courses_covering(self, kind: str, term: str) -> set[str]:
        return {k for k, by_kind in self.covers.items() if term in by_kind.get(kind, set())}

    def terms(self, kind: str) -> set[str]:
        return {t for by_kind in self.covers.values() for t in by_kind.get(kind, set())}


@dataclass
class Score:
    hit: int = 0
    predicted: int = 0
    expected: int = 0
    mentioned_only: int = 0

    @property
    def precision(self) -> float:
        return self.hit / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hit / self.expected if self.expected else 1.0


@dataclass
class Recommend:
    caseloads: int = 0
    first_covers: int = 0
    top3_covering: int = 0
    top3_total: int = 0
    top3_mentioned_only: int = 0
    none_found: int = 0


@dataclass
class Plans:
    goals: int = 0
    feasible: int = 0
    all_courses_teach_it: int = 0
    wrong: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    filters: dict[str, Score]
    recommend: Recommend
    plans: Plans | None


def course_key(record: dict[str, Any]) -> str:
    return f"https://eval.example/courses/{record['id']}"


def truth_of(records: Iterable[dict[str, Any]]) -> Truth:
    truth = Truth()
    for record in records:
        expect = record.get("expect") or {}
        key = course_key(record)
        truth.covers[key] = {
            kind: set((expect.get(kind) or {}).get("primary") or [])
            | set((expect.get(kind) or {}).get("secondary") or [])
            for kind in FIELDS
        }
        truth.mentioned[key] = {
            kind: set((expect.get(kind) or {}).get("mentioned") or []) for kind in FIELDS
        }
    return truth


def documents(
    records: list[dict[str, Any]], kb: KnowledgeBase, tagged: bool
) -> list[dict[str, Any]]:
    """The records as schema.org courses, one live-online session each (untagged unless
    ``tagged``: then each provider keyword naming a KB term becomes a tag)."""
    out = []
    for number, record in enumerate(records):
        start = TODAY + dt.timedelta(days=10 + number % 60)
        doc: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Course",
            "@id": course_key(record),
            "name": str(record["title"]),
            "description": str(record.get("description") or ""),
            "provider": {
                "@type": "Organization",
                "name": "Evaluation School",
                "url": "https://eval.example",
            },
            "hasCourseInstance": {
                "@id": f"https://eval.example/sessions/{record['id']}",
                "courseMode": "online",
                "startDate": f"{start.isoformat()}T09:00:00-05:00",
                "endDate": f"{start.isoformat()}T15:00:00-05:00",
                "offers": {"price": str(60 + (number * 37) % 340), "priceCurrency": "USD"},
            },
        }
        if tagged:
            for word in record.get("keywords") or []:
                for kind, prop in _TAG_PROPERTY.items():
                    found = kb.resolve(kind, str(word))
                    if found:
                        doc.setdefault(prop, []).append(found)
        out.append(doc)
    return out


def load(engine: Engine, kb: KnowledgeBase, docs: list[dict[str, Any]], tags_only: bool) -> None:
    """Import ``docs``; with ``tags_only`` make search, recommendations and plans read the
    provider's tags instead of the reading (the previous behaviour)."""
    catalog = Catalog(engine, kb)
    catalog.init()
    catalog.import_documents(docs, "evaluation")
    if tags_only:
        with engine.begin() as conn:
            conn.execute(
                update(Course).values(
                    covers_techniques=Course.techniques,
                    covers_conditions=Course.conditions,
                    covers_competencies=Course.competencies,
                    covers_categories=Course.ce_categories,
                    primary_terms=[],
                )
            )


def _keys(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {row.id: row.key for row in conn.execute(select(Course.id, Course.key))}


def score_filters(engine: Engine, kb: KnowledgeBase, truth: Truth) -> dict[str, Score]:
    service = SearchService(engine, kb)
    keys = _keys(engine)
    scores = {}
    for kind in FIELDS:
        s = Score()
        for term in sorted(truth.terms(kind)):
            query = SearchQuery.model_validate({kind: term, "per_page": 100})
            found = {keys[h.course.id] for h in service.search(query, TODAY).results}
            want = truth.courses_covering(kind, term)
            s.hit += len(found & want)
            s.predicted += len(found)
            s.expected += len(want)
            s.mentioned_only += sum(
                1 for k in found - want if term in truth.mentioned.get(k, {}).get(kind, set())
            )
        scores[kind] = s
    return scores


def score_recommendations(engine: Engine, kb: KnowledgeBase, truth: Truth) -> Recommend:
    recommender = Recommender(kb, engine, matcher=LexicalMatcher(kb))
    out = Recommend()
    for term in sorted(truth.terms("conditions")):
        name = kb.conditions[term].name
        caseload = Caseload(complaints=[Complaint(condition=name, clients_per_month=5)])
        result = recommender.recommend(caseload, today=TODAY)
        out.caseloads += 1
        top = [rec.course.key for rec in result.courses[:3]]
        if not top:
            out.none_found += 1
            continue
        want = truth.courses_covering("conditions", term)
        out.first_covers += top[0] in want
        out.top3_covering += sum(k in want for k in top)
        out.top3_total += len(top)
        out.top3_mentioned_only += sum(
            1
            for k in top
            if k not in want and term in truth.mentioned.get(k, {}).get("conditions", set())
        )
    return out


def score_plans(engine: Engine, kb: KnowledgeBase, truth: Truth, folder: Path) -> Plans:
    planner = Planner(engine, kb, CeRecords(engine, kb, folder))
    keys = _keys(engine)
    by_course_key = {v: k for k, v in keys.items()}
    out = Plans()
    for term in sorted(truth.terms("techniques")):
        out.goals += 1
        outcome = planner.plan(
            None, GoalSpec(techniques=(term,)), PlanOptions(time_limit=5, alternatives=0), TODAY
        )
        plan = outcome.result.plan
        if plan is None:
            continue
        out.feasible += 1
        chosen = {s.candidate.course for s in plan.sessions}
        want = truth.courses_covering("techniques", term)
        if chosen and chosen <= want and all(c in by_course_key for c in chosen):
            out.all_courses_teach_it += 1
        else:
            out.wrong.append(f"{term}: {', '.join(sorted(chosen - want))}")
    return out


def evaluate(
    kb: KnowledgeBase, reader_set: Path, database_url: str | None = None, plans: bool = True
) -> dict[str, Outcome]:
    """Every (catalog, behaviour) pair: ``untagged/tags``, ``untagged/reader``,
    ``tagged/tags``, ``tagged/reader``. Each runs on a fresh SQLite file (or, with
    ``database_url``, on that database, which is emptied first by the caller)."""
    records = load_set(reader_set.glob("*.yaml"))
    truth = truth_of(records)
    results: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for tagged in (False, True):
            docs = documents(records, kb, tagged)
            for tags_only in (True, False):
                name = f"{'tagged' if tagged else 'untagged'}/{'tags' if tags_only else 'reader'}"
                path = Path(tmp) / f"{name.replace('/', '-')}.db"
                engine = make_engine(f"sqlite:///{path}")
                try:
                    load(engine, kb, docs, tags_only)
                    results[name] = Outcome(
                        score_filters(engine, kb, truth),
                        score_recommendations(engine, kb, truth),
                        score_plans(engine, kb, truth, Path(tmp)) if plans else None,
                    )
                finally:
                    engine.dispose()
    return results


def report(results: dict[str, Outcome]) -> str:
    """A Markdown report: one row per catalog and behaviour."""
    lines = [
        "| catalog / read by | field | filter P | filter R | results that only mention it |",
        "|---|---|---|---|---|",
    ]
    for name, outcome in results.items():
        for kind, s in outcome.filters.items():
            lines.append(
                f"| {name} | {kind} | {s.precision:.3f} | {s.recall:.3f} | {s.mentioned_only} |"
            )
    lines += [
        "",
        "| catalog / read by | caseloads | first course covers it | first three cover it "
        "| first three only mention it | no course |",
        "|---|---|---|---|---|---|",
    ]
    for name, outcome in results.items():
        r = outcome.recommend
        share = r.top3_covering / r.top3_total if r.top3_total else 0.0
        lines.append(
            f"| {name} | {r.caseloads} | {r.first_covers} ({r.first_covers / r.caseloads:.0%}) "
            f"| {share:.0%} | {r.top3_mentioned_only} | {r.none_found} |"
        )
    if all(o.plans is not None for o in results.values()):
        lines += [
            "",
            "| catalog / read by | technique goals | plan found "
            "| every planned course teaches it |",
            "|---|---|---|---|",
        ]
        for name, outcome in results.items():
            p = outcome.plans
            assert p is not None
            lines.append(f"| {name} | {p.goals} | {p.feasible} | {p.all_courses_teach_it} |")
    return "\n".join(lines)
