"""Read catalog rows into the API's response models (one place for pages and the API)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ceatlas.catalog import directory
from ceatlas.catalog import models as m
from ceatlas.catalog.approval_review import STANDING_WORDS, STATUS_WORDS, provider_standing
from ceatlas.catalog.directory import required_ce_hours
from ceatlas.catalog.schemaorg_write import course_jsonld
from ceatlas.kb import KnowledgeBase
from ceatlas.kb.models import Caution
from ceatlas.web import schemas as s
from ceatlas.web.labels import approval_label, mode_label, number

KB_KIND_OF_FIELD = {
    "techniques": "techniques",
    "conditions": "conditions",
    "competencies": "competencies",
    "ce_categories": "categories",
}
PAGED_KB_KINDS = (
    "conditions",
    "techniques",
    "competencies",
    "pathways",
    "jurisdictions",
    "categories",
)


def row_dict(obj: Any) -> dict[str, Any]:
    """An ORM object's columns as a plain dict (the shape the catalog exporters use)."""
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def term_refs(kb: KnowledgeBase, kind: str, ids: list[str]) -> list[s.TermRef]:
    refs = []
    entries = kb.entries(kind)
    for ident in ids:
        entry = entries.get(ident)
        if entry is None:
            found = kb.get(kind, ident)
            entry = found if found is not None else None
        if entry is None:
            refs.append(s.TermRef(id=ident, name=ident.replace("-", " ").capitalize()))
        else:
            refs.append(s.TermRef(id=entry.id, name=entry.name, url=f"/kb/{kind}/{entry.id}"))
    return refs


def approvals(
    rows: list[m.ProviderApproval] | list[m.CourseApproval], kb: KnowledgeBase, owner: str
) -> list[s.Approval]:
    return [
        s.Approval(
            authority=a.authority,
            authority_name=a.authority_name,
            number=a.number,
            valid_until=a.valid_until,
            label=approval_label(a.authority, a.authority_name, a.number, kb, owner),
            status=a.status,
            status_label=STATUS_WORDS.get(a.status, a.status),
        )
        for a in rows
    ]


def provider_summary(provider: m.Provider | None) -> s.ProviderSummary | None:
    if provider is None:
        return None
    return s.ProviderSummary(
        id=provider.id,
        key=provider.key,
        name=provider.name,
        is_sample=provider.is_sample,
        url=f"/providers/{provider.id}",
    )


def course_summary(course: m.Course) -> s.CourseSummary:
    return s.CourseSummary(
        id=course.id,
        key=course.key,
        title=course.title,
        ce_hours=course.ce_hours,
        level=course.level,
        url=f"/courses/{course.id}",
    )


def _session_fields(row: m.CourseSession) -> dict[str, Any]:
    data = row_dict(row)
    data.pop("content_hash", None)
    data.pop("updated_at", None)
    data["mode_label"] = mode_label(row.mode)
    data["ics_url"] = f"/sessions/{row.id}.ics" if row.start_date else None
    return data


def session_model(row: m.CourseSession) -> s.Session:
    return s.Session.model_validate(_session_fields(row))


def session_detail(db: Session, session_id: int) -> s.SessionDetail | None:
    row = db.get(m.CourseSession, session_id)
    if row is None:
        return None
    return s.SessionDetail.model_validate(
        _session_fields(row)
        | {
            "course": course_summary(row.course),
            "provider": provider_summary(row.course.provider),
        }
    )


def load_course(db: Session, course_id: int) -> m.Course | None:
    return db.scalars(
        select(m.Course)
        .where(m.Course.id == course_id)
        .options(selectinload(m.Course.sessions), selectinload(m.Course.approvals))
    ).first()


def course_detail(course: m.Course, kb: KnowledgeBase) -> s.Course:
    provider = course.provider
    return s.Course(
        id=course.id,
        key=course.key,
        title=course.title,
        description=course.description,
        course_code=course.course_code,
        ce_hours=course.ce_hours,
        workload_hours=course.workload_hours,
        level=course.level,
        language=course.language,
        techniques=term_refs(kb, "techniques", course.techniques),
        conditions=term_refs(kb, "conditions", course.conditions),
        competencies=term_refs(kb, "competencies", course.competencies),
        ce_categories=term_refs(kb, "categories", course.ce_categories),
        body_regions=course.body_regions,
        prerequisites=[
            s.Prerequisite(kind=str(p.get("kind", "")), value=str(p.get("value", "")))
            for p in course.prerequisites
        ],
        credential_awarded=course.credential_awarded,
        provider_url=course.url,
        provider=provider_summary(provider),
        approvals=approvals(course.approvals, kb, "course"),
        provider_approvals=approvals(provider.approvals, kb, "provider") if provider else [],
        sessions=[session_model(row) for row in _sorted_sessions(course.sessions)],
        is_sample=bool(provider and provider.is_sample),
    )


def _sorted_sessions(rows: list[m.CourseSession]) -> list[m.CourseSession]:
    # Dated sessions in date order, then self-paced ones.
    return sorted(rows, key=lambda r: (r.start_date is None, r.start_date, r.start_time, r.id))


def course_jsonld_text(course: m.Course) -> str:
    """The course's schema.org JSON-LD, safe to embed in a <script> element."""
    provider = course.provider
    provider_dict = None
    if provider is not None:
        provider_dict = row_dict(provider) | {
            "approvals": [row_dict(a) for a in provider.approvals]
        }
    course_dict = row_dict(course) | {"approvals": [row_dict(a) for a in course.approvals]}
    document = course_jsonld(course_dict, provider_dict, [row_dict(r) for r in course.sessions])
    return embeddable_json(document)


def embeddable_json(document: Any) -> str:
    """JSON with ``<``, ``>`` and ``&`` escaped, so no string can close the script element."""
    text = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def provider_detail(
    db: Session, provider_id: int, kb: KnowledgeBase, today: dt.date
) -> s.Provider | None:
    provider = db.get(m.Provider, provider_id)
    if provider is None:
        return None
    courses = db.scalars(
        select(m.Course).where(m.Course.provider_id == provider_id).order_by(m.Course.title)
    ).all()
    programs = db.scalars(
        select(m.Program).where(m.Program.provider_id == provider_id).order_by(m.Program.name)
    ).all()
    standing = provider_standing(provider.approvals, today)
    return s.Provider(
        id=provider.id,
        key=provider.key,
        name=provider.name,
        kind=provider.kind,
        description=provider.description,
        website=provider.url,
        email=provider.email,
        phone=provider.phone,
        street=provider.street,
        city=provider.city,
        region=provider.region,
        postal_code=provider.postal_code,
        country=provider.country,
        is_sample=provider.is_sample,
        approvals=approvals(provider.approvals, kb, "provider"),
        standing=standing,
        standing_label=STANDING_WORDS[standing],
        courses=[course_summary(c) for c in courses],
        programs=[
            s.ProgramSummary(
                id=p.id, key=p.key, name=p.name, total_hours=p.total_hours, url=f"/programs/{p.id}"
            )
            for p in programs
        ],
    )


def _cheapest_prices(db: Session, course_ids: list[int], today: dt.date) -> dict[int, Decimal]:
    """Each course's cheapest upcoming (or self-paced) session price in USD."""
    if not course_ids:
        return {}
    rows = db.execute(
        select(m.CourseSession.course_id, func.min(m.CourseSession.price))
        .where(
            m.CourseSession.course_id.in_(course_ids),
            m.CourseSession.price.is_not(None),
            func.coalesce(m.CourseSession.currency, "USD") == "USD",
            (m.CourseSession.start_date.is_(None)) | (m.CourseSession.start_date >= today),
        )
        .group_by(m.CourseSession.course_id)
    ).all()
    return {cid: price for cid, price in rows if price is not None}


def program_detail(db: Session, program_id: int, today: dt.date | None = None) -> s.Program | None:
    """A program with its groups, the CE hours of its required courses (the smallest
    choice of electives) and what they cost at their cheapest upcoming sessions."""
    program = db.get(m.Program, program_id)
    if program is None:
        return None
    keys = [str(k) for group in program.structure for k in group.get("courses", [])]
    courses = {c.key: c for c in db.scalars(select(m.Course).where(m.Course.key.in_(keys)))}
    prices = _cheapest_prices(db, [c.id for c in courses.values()], today or dt.date.today())
    groups: list[s.ProgramGroup] = []
    course_hours = required_ce_hours(program.structure, {k: c.ce_hours for k, c in courses.items()})
    price_from = Decimal(0)
    priced_any = False
    unpriced = 0
    for index, group in enumerate(program.structure, start=1):
        members = [str(k) for k in group.get("courses", [])]
        choose = group.get("choose")
        choose = int(choose) if choose is not None else None
        found = [courses[k] for k in members if k in courses]
        priced = sorted(prices[c.id] for c in found if c.id in prices)
        needed = len(found) if choose is None else min(choose, len(found))
        price_from += sum(priced[:needed], Decimal(0))
        priced_any = priced_any or bool(priced)
        unpriced += max(0, needed - len(priced))
        groups.append(
            s.ProgramGroup(
                title=str(group.get("title") or f"Part {index}"),
                choose=choose,
                courses=[
                    s.ProgramCourse(
                        key=k, course=course_summary(courses[k]) if k in courses else None
                    )
                    for k in members
                ],
            )
        )
    provider = program.provider
    return s.Program(
        id=program.id,
        key=program.key,
        name=program.name,
        description=program.description,
        total_hours=program.total_hours,
        course_hours=course_hours,
        credential_awarded=program.credential_awarded,
        website=program.url,
        provider=provider_summary(provider),
        groups=groups,
        is_sample=bool(provider and provider.is_sample),
        missing_courses=sum(1 for k in dict.fromkeys(keys) if k not in courses),
        price_from=price_from if priced_any else None,
        unpriced_courses=unpriced,
    )


def approvals_for_courses(
    db: Session, course_ids: list[int], kb: KnowledgeBase
) -> dict[int, list[str]]:
    """Short approval labels per course (its own approvals, then its provider's), each
    with whether it was checked: 'NCBTMB approved provider #1234 (verified)'."""
    out: dict[int, list[str]] = defaultdict(list)
    if not course_ids:
        return out
    courses = db.scalars(
        select(m.Course)
        .where(m.Course.id.in_(course_ids))
        .options(selectinload(m.Course.approvals))
    ).all()
    for course in courses:
        found = approvals(course.approvals, kb, "course")
        if course.provider is not None:
            found += approvals(course.provider.approvals, kb, "provider")
        labels = [f"{a.label} ({a.status_label})" for a in found]
        out[course.id] = list(dict.fromkeys(labels))
    return out


def sample_provider_ids(db: Session, provider_keys: list[str]) -> set[str]:
    """Which of these provider keys are sample (fictional) providers."""
    if not provider_keys:
        return set()
    return set(
        db.scalars(
            select(m.Provider.key).where(
                m.Provider.key.in_(provider_keys), m.Provider.is_sample.is_(True)
            )
        )
    )


def provider_ids(db: Session, provider_keys: list[str]) -> dict[str, int]:
    if not provider_keys:
        return {}
    rows = db.execute(
        select(m.Provider.key, m.Provider.id).where(m.Provider.key.in_(provider_keys))
    )
    return {str(k): int(i) for k, i in rows}


def any_sample(db: Session) -> bool:
    return (
        db.scalar(select(m.Provider.id).where(m.Provider.is_sample.is_(True)).limit(1)) is not None
    )


@dataclass(frozen=True)
class ReadTerm:
    """One term of a course's reading, ready for the page."""

    kind: str
    name: str
    url: str
    centrality: str
    evidence: str
    provenance: str


_KIND_WORDS = {
    "conditions": "Conditions",
    "techniques": "Techniques",
    "competencies": "Skills",
    "categories": "CE subjects",
    "regions": "Body regions",
}


@dataclass(frozen=True)
class TermCautions:
    name: str
    url: str
    cautions: list[Caution]


def course_cautions(kb: KnowledgeBase, course: m.Course) -> list[TermCautions]:
    """The KB's contraindications, cautions and red flags of the techniques and conditions
    the course covers (primary or secondary, as the course reader found them)."""
    out = []
    for kind, ids in (
        ("techniques", course.covers_techniques),
        ("conditions", course.covers_conditions),
    ):
        for term in ids or []:
            entry = kb.entries(kind).get(term)
            cautions = getattr(entry, "cautions", None)
            if entry is not None and cautions:
                out.append(TermCautions(entry.name, f"/kb/{kind}/{term}", list(cautions)))
    return out


def course_reading(
    db: Session, kb: KnowledgeBase, course_id: int
) -> list[tuple[str, list[ReadTerm]]]:
    """What the course covers, by kind: primary and secondary terms (mentioned ones left out)."""
    rows = db.execute(
        select(
            m.CourseTerm.kind,
            m.CourseTerm.term,
            m.CourseTerm.centrality,
            m.CourseTerm.evidence,
            m.CourseTerm.provenance,
        )
        .where(
            m.CourseTerm.course_id == course_id,
            m.CourseTerm.centrality.in_(("primary", "secondary")),
        )
        .order_by(m.CourseTerm.centrality, m.CourseTerm.confidence.desc())
    ).all()
    grouped: dict[str, list[ReadTerm]] = {}
    for kind, term, centrality, evidence, provenance in rows:
        entry = kb.entries(kind).get(term)
        if entry is None:
            continue
        grouped.setdefault(kind, []).append(
            ReadTerm(kind, entry.name, f"/kb/{kind}/{term}", centrality, evidence, provenance)
        )
    return [(_KIND_WORDS[k], grouped[k]) for k in _KIND_WORDS if k in grouped]


def hours_note(total: Decimal | None, course_hours: Decimal, missing_courses: int) -> str | None:
    """Why a program's stated total and its courses' CE hours differ (the program page's
    words), or None when they agree or no total is stated."""
    if total is None or total == course_hours:
        return None
    missing = f" ({missing_courses} of them not in our catalog)" if missing_courses else ""
    return (
        f"The {number(total)} hours the school publishes and the {number(course_hours)} CE "
        f"hours of its courses{missing} differ: a program's total can include clinic "
        "practice, exams or parts not offered as separate courses. Ask the school what its "
        "total covers."
    )


def provider_list(
    db: Session, kb: KnowledgeBase, text: str, page: int, today: dt.date
) -> s.ProviderList:
    """One page of the provider directory, in the API's words (the page shows the same)."""
    listing = directory.providers(db, text, page, today)
    rows = [
        s.ProviderListRow(
            id=r.id,
            name=r.name,
            url=f"/providers/{r.id}",
            place=r.place or None,
            city=r.city,
            region=r.region,
            courses=r.courses,
            upcoming_sessions=r.upcoming_sessions,
            modes=r.modes,
            mode_labels=[mode_label(mode) for mode in r.modes],
            approvals=[
                s.DirectoryApproval(
                    authority=a.authority,
                    authority_name=a.authority_name,
                    number=a.number,
                    valid_until=a.valid_until,
                    label=approval_label(a.authority, a.authority_name, a.number, kb, "provider"),
                    status=a.status,
                    status_label=STATUS_WORDS.get(a.status, a.status),
                    current=a.current,
                )
                for a in r.approvals
            ],
            is_sample=r.is_sample,
        )
        for r in listing.rows
    ]
    return s.ProviderList(
        rows=rows,
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
        per_page=listing.per_page,
    )


def program_list(db: Session, text: str, page: int, today: dt.date) -> s.ProgramList:
    """One page of the program directory, in the API's words (the page shows the same)."""
    listing = directory.programs(db, text, page, today)
    rows = [
        s.ProgramListRow(
            id=r.id,
            name=r.name,
            url=f"/programs/{r.id}",
            provider=(
                s.ProviderSummary(
                    id=r.provider_id,
                    key=r.provider_key or "",
                    name=r.provider,
                    is_sample=r.is_sample,
                    url=f"/providers/{r.provider_id}",
                )
                if r.provider is not None and r.provider_id is not None
                else None
            ),
            total_hours=r.total_hours,
            course_hours=r.course_hours,
            hours_note=hours_note(r.total_hours, r.course_hours, r.missing_courses),
            credential_awarded=r.credential,
            courses=r.courses,
            required_courses=r.required_courses,
            elective_courses=r.elective_courses,
            electives_to_choose=r.electives_to_choose,
            missing_courses=r.missing_courses,
            lowest_price=r.lowest_price,
            highest_price=r.highest_price,
            unpriced_courses=r.unpriced_courses,
            next_start=r.next_start,
            starts_any_time=r.starts_any_time,
            is_sample=r.is_sample,
        )
        for r in listing.rows
    ]
    return s.ProgramList(
        rows=rows,
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
        per_page=listing.per_page,
    )
