"""From a caseload to explained technique and course recommendations.

1. Each complaint is read as a KB condition (:mod:`ceatlas.recommend.matching`); uncertain
   readings are left for the user to pick (or taken anyway with ``assume_best``).
2. Techniques are ranked by the clients a month whose condition they address (the KB's
   ``techniques`` of each condition), each client weighted by how specifically the
   technique serves the client's condition: the rarer a technique among the KB's conditions
   (inverse condition frequency), and the earlier the condition lists it, the more it
   weighs. A generic technique, listed for a third of the
   KB's conditions or more (Swedish massage), is recommended only for a condition that
   lists no other technique.
3. Courses come from :mod:`ceatlas.search` under the therapist's constraints: one search
   for sessions teaching any of the top techniques, cheapest first, plus one per top
   technique the first search left without a course, plus one for courses about the
   caseload's conditions. What a course teaches and is about is what the course reader
   found (primary or secondary terms). Each course's coverage counts the caseload
   conditions it addresses through a recommended technique it teaches or a condition it
   covers; courses mainly about a caseload condition come first, then courses covering one
   in part, then courses mainly about a recommended technique, then courses teaching one in
   part, each group by coverage per dollar (or per CE hour). A course mainly about a
   condition that is neither in the caseload nor related to it in the KB ("Migraine" for a
   back-pain caseload) is never recommended for a technique it also teaches.

``ranking="coverage"`` keeps the previous behaviour (every technique counted by raw
clients, no generic or off-topic rule) for side-by-side evaluation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import Engine

from ceatlas.kb.base import KnowledgeBase
from ceatlas.kb.models import Caution
from ceatlas.recommend.caseload import Caseload, Constraints
from ceatlas.recommend.matching import CONFIDENT, TOP, ConditionMatch, Matcher, make_matcher
from ceatlas.recommend.models import (
    DEFAULT_RADIUS_MILES,
    ComplaintReading,
    ConditionLoad,
    CourseRecommendation,
    Recommendations,
    Share,
    TechniqueRecommendation,
)
from ceatlas.search import SearchError, SearchQuery, SearchService, SessionHit

CANDIDATE_SESSIONS = 100
PER_TECHNIQUE = 3
#: a course covering this many conditions, none of the caseload's as its main subject, is
#: a survey and is not recommended for them
SURVEY = 5
Ranking = Literal["specific", "coverage"]


def clients(value: float) -> str:
    """``9`` for whole numbers, ``2.5`` otherwise."""
    return f"{value:g}" if value != int(value) else str(int(value))


def coverage_sentence(covered: float, total: float, shares: Iterable[Share]) -> str:
    """``covers 14 of your 31 clients a month: sciatica 9, piriformis syndrome 5``."""
    parts = ", ".join(f"{s.name.lower()} {clients(s.clients_per_month)}" for s in shares)
    return f"covers {clients(covered)} of your {clients(total)} clients a month: {parts}"


class Recommender:
    """Recommendations over one KB and (for courses) one catalog database."""

    def __init__(
        self,
        kb: KnowledgeBase,
        engine: Engine | None = None,
        matcher: Matcher | str = "auto",
        confident: float = CONFIDENT,
        ranking: Ranking = "specific",
        *,
        cache_dir: Path | None = None,
    ) -> None:
        self.kb = kb
        self.engine = engine
        self.ranking = ranking
        self.specificity = _specificity(kb)
        self.generic = kb.generic_techniques()
        self.regions_of = {cid: set(r) for cid, r in kb.condition_regions().items()}
        self.matcher = (
            make_matcher(kb, matcher, cache_dir=cache_dir) if isinstance(matcher, str) else matcher
        )
        self.confident = confident
        # No answer cache: each caseload asks its own questions, and a long-lived recommender
        # would otherwise keep up to 512 answers it never reuses (and pay for them in GC).
        self._search = SearchService(engine, kb, cached_answers=0) if engine is not None else None

    # --- 1. complaints -> conditions ----------------------------------------------

    def read(self, caseload: Caseload, *, assume_best: bool = False) -> list[ComplaintReading]:
        """Each complaint with its candidate conditions and the one it counts for."""
        readings: list[ComplaintReading] = []
        texts: list[str] = []
        pending: list[int] = []
        for complaint in caseload.complaints:
            reading = ComplaintReading(
                complaint=complaint.label, clients_per_month=complaint.clients_per_month
            )
            chosen = self._condition(complaint.condition) if complaint.condition else None
            if chosen is not None:
                reading.condition_id = chosen
                reading.confidence = 1.0
                reading.candidates = [
                    ConditionMatch(
                        condition_id=chosen,
                        name=self.kb.conditions[chosen].name,
                        confidence=1.0,
                        via="chosen from the knowledge base",
                    )
                ]
            else:
                texts.append(complaint.text or complaint.condition or "")
                pending.append(len(readings))
            readings.append(reading)
        for index, found in zip(pending, self.matcher.match_many(texts, TOP), strict=True):
            reading = readings[index]
            reading.candidates = found
            best = found[0] if found else None
            if best is not None and (best.confidence >= self.confident or assume_best):
                reading.condition_id = best.condition_id
                reading.confidence = best.confidence
            else:
                reading.needs_choice = True
                reading.confidence = best.confidence if best else 0.0
        return readings

    def _condition(self, value: str) -> str | None:
        if value in self.kb.conditions:
            return value
        return self.kb.resolve("conditions", value)

    # --- 2. conditions -> techniques ------------------------------------------------

    def conditions(self, readings: Sequence[ComplaintReading]) -> list[ConditionLoad]:
        load: dict[str, float] = defaultdict(float)
        said: dict[str, list[str]] = defaultdict(list)
        for reading in readings:
            if reading.condition_id is not None:
                load[reading.condition_id] += reading.clients_per_month
                said[reading.condition_id].append(reading.complaint)
        out = []
        for cid, count in sorted(load.items(), key=lambda kv: (-kv[1], kv[0])):
            condition = self.kb.conditions[cid]
            out.append(
                ConditionLoad(
                    condition_id=cid,
                    name=condition.name,
                    clients_per_month=count,
                    complaints=said[cid],
                    techniques=list(condition.techniques),
                    cautions=[_caution_words(c) for c in condition.cautions],
                )
            )
        return out

    def techniques(
        self, loads: Sequence[ConditionLoad], limit: int | None = None
    ) -> list[TechniqueRecommendation]:
        total = sum(c.clients_per_month for c in loads)
        covering: dict[str, list[Share]] = defaultdict(list)
        for load in loads:
            for tid in load.techniques:
                covering[tid].append(
                    Share(
                        condition_id=load.condition_id,
                        name=load.name,
                        clients_per_month=load.clients_per_month,
                    )
                )
        specific = self.ranking == "specific"

        # (condition, technique) -> how specifically the technique serves the condition:
        # its specificity, lowered by its place in the condition's own list (the KB
        # lists a condition's techniques most indicated first)
        fit: dict[tuple[str, str], float] = {}
        for load in loads:
            own = [t for t in load.techniques if t not in self.generic] or load.techniques
            for place, tid in enumerate(own):
                fit[(load.condition_id, tid)] = self.specificity.get(tid, 1.0) / (1 + place / 2)

        def weight(tid: str) -> float:
            if not specific:
                return sum(s.clients_per_month for s in covering[tid])
            return sum(
                s.clients_per_month * fit.get((s.condition_id, tid), 0.0) for s in covering[tid]
            )

        candidates = [tid for tid in covering if not (specific and tid in self.generic)]
        ranked = sorted(candidates, key=lambda tid: (-weight(tid), -len(covering[tid]), tid))
        chosen = ranked[:limit]
        # Broad techniques can fill the list and leave a condition with no technique at
        # all, e.g. post-mastectomy lymphedema (lymph drainage, oncology massage). Every
        # condition keeps the technique that serves it most specifically (the one its KB
        # entry lists first, in the previous ranking); a generic one only when it has no
        # other.
        kept_for: dict[str, str] = {}
        reached = {s.condition_id for tid in chosen for s in covering[tid]}
        for load in loads:
            if load.condition_id in reached or not load.techniques:
                continue
            own = [t for t in load.techniques if not (specific and t in self.generic)]
            if specific:
                tid = max(
                    own or load.techniques, key=lambda t: fit.get((load.condition_id, t), 0.0)
                )
            else:
                tid = load.techniques[0]
            chosen.append(tid)
            kept_for[tid] = load.name
            reached.update(s.condition_id for s in covering[tid])
        out = []
        for tid in chosen:
            shares = covering[tid]
            covered = sum(s.clients_per_month for s in shares)
            explanation = coverage_sentence(covered, total, shares)
            if tid in kept_for:
                explanation += f"; listed so that {kept_for[tid].lower()} has a technique too"
                if specific and tid in self.generic:
                    explanation += " (a general technique: the knowledge base lists no other)"
            out.append(
                TechniqueRecommendation(
                    technique_id=tid,
                    name=self.kb.techniques[tid].name,
                    clients_per_month=covered,
                    share=round(covered / total, 4) if total else 0.0,
                    conditions=shares,
                    explanation=explanation,
                    cautions=[_caution_words(c) for c in self.kb.techniques[tid].cautions],
                )
            )
        return out

    # --- 3. techniques -> courses ---------------------------------------------------

    def courses(
        self,
        loads: Sequence[ConditionLoad],
        techniques: Sequence[TechniqueRecommendation],
        constraints: Constraints,
        today: dt.date,
        limit: int = 10,
    ) -> tuple[list[CourseRecommendation], list[str]]:
        if self._search is None or not techniques:
            return [], []
        wanted = [t.technique_id for t in techniques]
        conditions = [load.condition_id for load in loads]
        hits, warnings = self._candidates(wanted, conditions, constraints, today)
        total = sum(c.clients_per_month for c in loads)
        by_course: dict[int, list[SessionHit]] = defaultdict(list)
        for hit in hits:
            by_course[hit.course.id].append(hit)
        ranked = [
            self._course(sessions, loads, set(wanted), total) for sessions in by_course.values()
        ]
        if self.ranking == "specific":
            ranked = [r for r in ranked if r.focus >= 0]
        key = _per_dollar_key if constraints.rank_by == "dollar" else _per_hour_key
        ranked.sort(key=key)
        # Every recommended technique keeps its best course in the list, then the rest by rank.
        keep: set[int] = set()
        for technique in techniques:
            teaching = [r for r in ranked if technique.technique_id in r.techniques]
            technique.courses = [r.course.key for r in teaching[:PER_TECHNIQUE]]
            if teaching and len(keep) < limit:
                keep.add(teaching[0].course.id)
        for rec in ranked:
            if len(keep) >= limit:
                break
            keep.add(rec.course.id)
        return [r for r in ranked if r.course.id in keep], warnings

    def _candidates(
        self,
        techniques: list[str],
        conditions: list[str],
        constraints: Constraints,
        today: dt.date,
    ) -> tuple[list[SessionHit], list[str]]:
        """Sessions of courses that teach a recommended technique, and of courses the
        course reader found to be about (or to cover) one of the caseload's conditions."""
        assert self._search is not None
        if constraints.date_to and constraints.date_to < (constraints.date_from or today):
            raise SearchError("date_to: is before the first day searched (date_from or today)")
        base = _query_params(constraints, today)
        try:
            SearchQuery.model_validate(base)
        except ValidationError as error:
            first_error = error.errors()[0]
            where = ".".join(str(p) for p in first_error["loc"]) or "constraints"
            message = str(first_error["msg"]).removeprefix("Value error, ")
            raise SearchError(f"{where}: {message}") from None
        first = self._search.search(
            SearchQuery.model_validate({**base, "techniques": techniques}), today
        )
        hits = list(first.results)
        warnings = list(first.warnings)
        taught = {t for hit in hits for t in hit.course.techniques}
        for tid in techniques:
            if tid in taught:
                continue
            more = self._search.search(
                SearchQuery.model_validate({**base, "techniques": [tid], "per_page": 10}), today
            )
            hits.extend(more.results)
            taught.update(t for hit in more.results for t in hit.course.techniques)
        if conditions:
            direct = self._search.search(
                SearchQuery.model_validate({**base, "conditions": conditions}), today
            )
            hits.extend(direct.results)
        return hits, warnings

    def _course(
        self,
        sessions: list[SessionHit],
        loads: Sequence[ConditionLoad],
        wanted: set[str],
        total: float,
    ) -> CourseRecommendation:
        best = min(sessions, key=_session_key)
        course = best.course
        taught = [t for t in course.techniques if t in wanted]
        # What a technique reaches: in the previous ranking every condition it is listed
        # for; now, in a course mainly about a condition, only when the course is also
        # mainly about the technique (a frozen-shoulder course that uses myofascial release
        # does not cover low back pain)
        reaching = set(taught)
        if self.ranking == "specific" and _primary(course.primary_terms, "conditions"):
            reaching &= _primary(course.primary_terms, "techniques")
        shares = [
            Share(
                condition_id=load.condition_id,
                name=load.name,
                clients_per_month=load.clients_per_month,
            )
            for load in loads
            if set(load.techniques) & reaching or load.condition_id in course.conditions
        ]
        covered = sum(s.clients_per_month for s in shares)
        caseload = {load.condition_id for load in loads}
        about = [c for c in course.conditions if c in caseload]
        primary = _primary(course.primary_terms, "conditions")
        focus = 0 if set(about) & primary else 1 if about else 2
        if self.ranking == "specific" and focus == 2:
            focus = self._technique_focus(course.primary_terms, taught, primary, caseload)
        if self.ranking == "specific" and focus >= 2 and self._elsewhere(course.regions, loads):
            # a technique course aimed at another part of the body ("Neurodynamics: Upper
            # Quarter" for sciatica)
            focus = -1
        if self.ranking == "specific" and focus > 0 and len(course.conditions) >= SURVEY:
            # a survey of many conditions ("24 hours on back pain, sciatica, frozen shoulder,
            # TMJ, pregnancy, cancer...") is about none of them
            focus = -1
        price = best.session.price
        hours = course.ce_hours
        per_100 = covered / float(price) * 100 if price else None
        per_hour = covered / float(hours) if hours else None
        names = [self.kb.techniques[t].name for t in taught if t in self.kb.techniques]
        cost = _cost(price, best.session.currency, hours, per_100, per_hour)
        explanation = coverage_sentence(covered, total, shares)
        if about:
            words = [self.kb.conditions[c].name.lower() for c in about if c in self.kb.conditions]
            explanation += f"; {'about' if focus == 0 else 'covers'} {', '.join(words)}"
        if names:
            explanation += f"; teaches {', '.join(names)}"
        explanation += f"; {cost}"
        if best.explanation.distance:
            explanation += f"; {best.explanation.distance}"
        return CourseRecommendation(
            course=course,
            session=best.session,
            sessions_fitting=len(sessions),
            clients_per_month=covered,
            conditions=shares,
            techniques=taught,
            price=price,
            ce_hours=hours,
            clients_per_100_dollars=round(per_100, 2) if per_100 is not None else None,
            clients_per_hour=round(per_hour, 2) if per_hour is not None else None,
            distance_miles=best.distance_miles,
            focus=focus,
            explanation=explanation,
        )

    def _elsewhere(self, course_regions: list[str], loads: Sequence[ConditionLoad]) -> bool:
        """True when the course works on body regions and none of them is where a caseload
        condition sits (only when every caseload condition sits somewhere)."""
        if not course_regions:
            return False
        wanted: set[str] = set()
        for load in loads:
            regions = self.regions_of.get(load.condition_id)
            if not regions:
                return False
            wanted |= regions
        return not wanted & set(course_regions)

    def _technique_focus(
        self, primary_terms: list[str], taught: list[str], primary: set[str], caseload: set[str]
    ) -> int:
        """2 when the course is mainly about a recommended technique, 3 when it teaches one
        in part; -1 (never recommended) when it is mainly about a condition that is neither
        in the caseload nor related to it."""
        related = set(caseload)
        for cid in caseload:
            related.update(self.kb.conditions[cid].related)
        if primary and not primary & related:
            return -1
        return 2 if set(taught) & _primary(primary_terms, "techniques") else 3

    # --- all together ---------------------------------------------------------------

    def recommend(
        self,
        caseload: Caseload,
        constraints: Constraints | None = None,
        *,
        today: dt.date | None = None,
        assume_best: bool = False,
        max_techniques: int = 5,
        max_courses: int = 10,
    ) -> Recommendations:
        constraints = constraints or Constraints()
        today = today or dt.date.today()
        readings = self.read(caseload, assume_best=assume_best)
        loads = self.conditions(readings)
        ranked = self.techniques(loads, max_techniques)
        courses, warnings = self.courses(loads, ranked, constraints, today, max_courses)
        unresolved = sum(r.clients_per_month for r in readings if r.condition_id is None)
        if unresolved:
            many = "clients a month are" if unresolved != 1 else "client a month is"
            warnings.insert(
                0,
                f"{clients(unresolved)} {many} not counted yet: "
                "pick a condition for the complaints marked as uncertain",
            )
        if self.engine is None:
            warnings.append("no catalog database: techniques only, no courses")
        uncovered = [
            Share(condition_id=c.condition_id, name=c.name, clients_per_month=c.clients_per_month)
            for c in loads
            if not c.techniques
        ]
        return Recommendations(
            matcher=self.matcher.name,
            clients_per_month=sum(c.clients_per_month for c in loads),
            unresolved_clients_per_month=unresolved,
            readings=readings,
            conditions=loads,
            techniques=ranked,
            courses=courses,
            uncovered=uncovered,
            warnings=warnings,
            constraints=constraints.model_dump(mode="json", exclude_defaults=True),
        )


def _specificity(kb: KnowledgeBase) -> dict[str, float]:
    """Per technique, log(conditions in the KB / conditions listing it)."""
    n = max(len(kb.conditions), 1)
    return {tid: math.log(n / count) for tid, count in kb.technique_listings().items()}


def _primary(primary_terms: Iterable[str], kind: str) -> set[str]:
    return {t.split(":", 1)[1] for t in primary_terms if t.startswith(f"{kind}:")}


def _query_params(constraints: Constraints, today: dt.date) -> dict[str, Any]:
    c = constraints
    params: dict[str, Any] = {
        "sort": "price",
        "per_page": CANDIDATE_SESSIONS,
        "facets": False,
        "date_from": c.date_from or today,
        "currency": c.currency,
    }
    if c.date_to:
        params["date_to"] = c.date_to
    if c.budget is not None:
        params["max_price"] = c.budget
    if c.modes:
        params["modes"] = c.modes
    if c.days:
        params["days"] = c.days
    if c.time_of_day:
        params["time_of_day"] = c.time_of_day
    if c.near:
        params["near"] = c.near
        params["radius"] = c.radius_miles or DEFAULT_RADIUS_MILES
    if c.state:
        params["state"] = c.state
    return params


def _session_key(hit: SessionHit) -> tuple[float, float, str]:
    price = float(hit.session.price) if hit.session.price is not None else math.inf
    distance = hit.distance_miles if hit.distance_miles is not None else 0.0
    when = hit.session.start_date.isoformat() if hit.session.start_date else ""
    return (price, distance, when)


def _value(rec: CourseRecommendation) -> tuple[float, float]:
    if rec.price is None:
        per_dollar = -1.0  # unpriced: last
    elif rec.price == 0:
        per_dollar = math.inf if rec.clients_per_month else 0.0
    else:
        per_dollar = rec.clients_per_month / float(rec.price)
    per_hour = rec.clients_per_month / float(rec.ce_hours) if rec.ce_hours else 0.0
    return per_dollar, per_hour


def _per_dollar_key(rec: CourseRecommendation) -> tuple[int, float, float, float, str]:
    """Specific before generic (``focus``), then clients per dollar."""
    per_dollar, per_hour = _value(rec)
    return (rec.focus, -per_dollar, -per_hour, -rec.clients_per_month, rec.course.title)


def _per_hour_key(rec: CourseRecommendation) -> tuple[int, float, float, float, str]:
    """Specific before generic (``focus``), then clients per CE hour."""
    per_dollar, per_hour = _value(rec)
    return (rec.focus, -per_hour, -per_dollar, -rec.clients_per_month, rec.course.title)


def _cost(
    price: Decimal | None,
    currency: str | None,
    hours: Decimal | None,
    per_100: float | None,
    per_hour: float | None,
) -> str:
    money = (
        "price not published"
        if price is None
        else ("free" if price == 0 else f"{price:,.2f} {currency or 'USD'}")
    )
    time = f"{hours.normalize():f} CE hours" if hours is not None else "CE hours not published"
    rates = []
    if per_100 is not None:
        rates.append(f"{per_100:.1f} clients a month per $100")
    if per_hour is not None:
        rates.append(f"{per_hour:.1f} per CE hour")
    return f"{money} for {time}" + (f" ({', '.join(rates)})" if rates else "")


def _caution_words(caution: Caution) -> str:
    """A KB caution as the therapist reads it: red flags and contraindications say so."""
    prefix = {"red-flag": "Red flag: ", "contraindication": "Contraindication: "}
    return prefix.get(caution.kind, "") + caution.text
