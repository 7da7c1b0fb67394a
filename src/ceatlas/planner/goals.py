"""Goals as requirements: KB pathways, compliance gaps, explicit items, a caseload. Pure.

Each builder takes the knowledge base, the candidate sessions and what the therapist has
already done, and returns requirements plus notes (what was already covered, which KB
values are unknown and therefore not enforced).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ceatlas.compliance.facts import ComplianceStatus
from ceatlas.compliance.facts import Requirement as ComplianceRequirement
from ceatlas.compliance.service import FORMAT_OF_MODE
from ceatlas.kb import KnowledgeBase
from ceatlas.kb.models import Jurisdiction, Pathway, PathwayStandard, known
from ceatlas.planner.problem import Candidate, Requirement


class GoalError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.message = message
        self.field = field


@dataclass(frozen=True)
class GoalSpec:
    """What the therapist wants to reach; several goals combine."""

    pathways: tuple[str, ...] = ()
    licenses: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    caseload: tuple[str, ...] = ()  # technique or condition ids (from recommendations)

    @property
    def empty(self) -> bool:
        return not (
            self.pathways or self.licenses or self.competencies or self.techniques or self.caseload
        )


@dataclass
class Goals:
    requirements: list[Requirement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items: set[str] = field(default_factory=set)  # cover items any requirement looks at
    all_courses: bool = False  # an hours requirement: every course may contribute


def _cover(
    goal: str, label: str, item_set: Iterable[str], candidates: list[Candidate]
) -> Requirement:
    wanted = frozenset(item_set)
    return Requirement(
        id=f"{goal}|{label}",
        goal=goal,
        label=label,
        need=1,
        amounts={c.id: 1 for c in candidates if not c.covers.isdisjoint(wanted)},
        items=wanted,
    )


def resolve_items(kb: KnowledgeBase, spec: GoalSpec) -> GoalSpec:
    """The same spec with every name turned into a KB id (unknown names are errors)."""

    def ids(kind: str, names: tuple[str, ...], where: str) -> tuple[str, ...]:
        out = []
        for name in names:
            entry = kb.get(kind, name)
            if entry is None:
                raise GoalError(f"unknown {kind} {name!r}", where)
            out.append(entry.id)
        return tuple(dict.fromkeys(out))

    caseload = []
    for name in spec.caseload:
        entry = kb.get("technique", name) or kb.get("condition", name)
        if entry is None:
            raise GoalError(f"{name!r} is neither a technique nor a condition", "caseload")
        kind = "technique" if kb.get("technique", name) is not None else "condition"
        caseload.append(f"{kind}:{entry.id}")
    return GoalSpec(
        pathways=ids("pathway", spec.pathways, "pathway"),
        licenses=tuple(dict.fromkeys(code.strip().upper() for code in spec.licenses)),
        competencies=ids("competency", spec.competencies, "competency"),
        techniques=ids("technique", spec.techniques, "technique"),
        caseload=tuple(dict.fromkeys(caseload)),
    )


def wanted_items(kb: KnowledgeBase, spec: GoalSpec) -> set[str]:
    items: set[str] = set()
    for pid in spec.pathways:
        p = kb.pathways[pid]
        items |= {f"competency:{c}" for c in p.competencies}
        items |= {f"technique:{t}" for t in p.techniques}
    items |= {f"competency:{c}" for c in spec.competencies}
    items |= {f"technique:{t}" for t in spec.techniques}
    for item in spec.caseload:
        items.add(item)
        kind, _, ident = item.partition(":")
        if kind == "condition":
            items |= {f"technique:{t}" for t in kb.conditions[ident].techniques}
    return items


def build_goals(
    kb: KnowledgeBase,
    spec: GoalSpec,
    candidates: list[Candidate],
    done_items: dict[str, str],
    statuses: dict[str, ComplianceStatus],
    standards: bool = True,
) -> Goals:
    """Requirements for ``spec``. ``done_items`` maps a covered item to the course title.

    With ``standards`` a pathway is planned to its standards: each technique from a course
    mainly about it, each of the pathway's course standards (hours, delivery) met by one
    course, and the techniques of its prerequisite pathways (entry-level training) not
    planned again; a license's mandated topic from courses mainly about it, never from a
    course written for another state. Without (the previous behaviour), every listed item and
    topic is covered by any course teaching it."""
    goals = Goals()
    for pid in spec.pathways:
        if standards:
            _pathway_to_standard(kb, pid, candidates, done_items, goals)
        else:
            _pathway(kb, pid, candidates, done_items, goals)
    for cid in spec.competencies:
        _single(
            f"competency:{cid}",
            kb.competencies[cid].name,
            "competency",
            candidates,
            done_items,
            goals,
        )
    for tid in spec.techniques:
        _single(
            f"technique:{tid}", kb.techniques[tid].name, "technique", candidates, done_items, goals
        )
    for item in spec.caseload:
        kind, _, ident = item.partition(":")
        if kind == "technique":
            _single(item, kb.techniques[ident].name, "caseload", candidates, done_items, goals)
        else:
            condition = kb.conditions[ident]
            alternatives = {item} | {f"technique:{t}" for t in condition.techniques}
            if any(a in done_items for a in alternatives):
                goals.notes.append(f"caseload: {condition.name} already covered")
                continue
            goals.requirements.append(
                _cover("caseload", f"caseload: {condition.name}", alternatives, candidates)
            )
            goals.items |= alternatives
    for code in spec.licenses:
        status = statuses.get(code)
        if status is None:
            raise GoalError(f"no license or credential {code!r} in your CE record", "license")
        states = {
            j.id: j.name for j in kb.jurisdictions.values() if j.kind == "state" and j.id != code
        }
        if not standards:
            states = {}
        _license(kb.jurisdictions[code], status, candidates, goals, states, standards)
    return goals


def _single(
    item: str,
    name: str,
    goal: str,
    candidates: list[Candidate],
    done: dict[str, str],
    goals: Goals,
) -> None:
    if item in done:
        goals.notes.append(f"{goal} {name}: already covered by {done[item]}")
        return
    goals.requirements.append(_cover(goal, f"{goal}: {name}", {item}, candidates))
    goals.items.add(item)


def _pathway(
    kb: KnowledgeBase,
    pid: str,
    candidates: list[Candidate],
    done: dict[str, str],
    goals: Goals,
) -> None:
    p = kb.pathways[pid]
    goal = p.name
    items = [f"competency:{c}" for c in p.competencies] + [f"technique:{t}" for t in p.techniques]
    names = {f"competency:{c}": kb.competencies[c].name for c in p.competencies}
    names |= {f"technique:{t}": kb.techniques[t].name for t in p.techniques}
    for item in items:
        if item in done:
            goals.notes.append(f"{goal}: {names[item]} already covered by {done[item]}")
            continue
        goals.requirements.append(_cover(goal, f"{goal}: {names[item]}", {item}, candidates))
    goals.items |= set(items)
    _pathway_hours(p, goal, candidates, items, goals)


def _pathway_to_standard(
    kb: KnowledgeBase,
    pid: str,
    candidates: list[Candidate],
    done: dict[str, str],
    goals: Goals,
) -> None:
    p = kb.pathways[pid]
    goal = p.name
    entry_level = {
        t: kb.pathways[pre].name
        for pre in p.prerequisite_pathways
        for t in kb.pathways[pre].techniques
    }
    domain = _domain(kb, p)
    items: list[str] = []
    for tid in p.techniques:
        if tid in entry_level:
            goals.notes.append(
                f"{goal}: {kb.techniques[tid].name} is entry-level training (part of "
                f"{entry_level[tid]}, which comes first), not planned again"
            )
            continue
        items.append(f"technique:{tid}")
    items += [f"competency:{c}" for c in p.competencies]
    # a subject with a course standard of its own is planned by that standard alone (a
    # two-hour webinar must not stand in for the hands-on course the standard asks for)
    by_standard = {s.about for s in p.standards}
    meeting = {s.id: _meeting_standard(s, candidates) for s in p.standards}
    # a course meeting a standard also teaches what the standard says it includes
    included: dict[str, list[Candidate]] = {}
    for standard in p.standards:
        for step in standard.includes:
            included.setdefault(step, []).extend(meeting[standard.id])
    names = {f"competency:{c}": kb.competencies[c].name for c in p.competencies}
    names |= {f"technique:{t}": kb.techniques[t].name for t in p.techniques}
    for item in items:
        if item in by_standard:
            continue
        if item in done:
            goals.notes.append(f"{goal}: {names[item]} already covered by {done[item]}")
            continue
        # a technique is learnt in a course mainly about it; a skill may be taught in part,
        # by a course mainly about something of this pathway (the pathology of a migraine
        # course is not the oncology pathway's pathology)
        if item.startswith("technique:"):
            requirement = _cover(goal, f"{goal}: {names[item]}", {f"primary:{item}"}, candidates)
        else:
            primary = f"primary:{item}"
            pool = [
                c
                for c in candidates
                if primary in c.covers or (item in c.covers and not c.covers.isdisjoint(domain))
            ]
            requirement = _cover(goal, f"{goal}: {names[item]}", {item}, pool)
            if included.get(item):
                amounts = requirement.amounts | {c.id: 1 for c in included[item]}
                requirement = dataclasses.replace(requirement, amounts=amounts)
        goals.requirements.append(requirement)
    goals.items |= set(items) | {f"primary:{i}" for i in items}
    for standard in p.standards:
        about = f"primary:{standard.about}"
        if about in done:
            goals.notes.append(f"{goal}: {standard.label}: already covered")
            continue
        goals.requirements.append(
            Requirement(
                id=f"{goal}|standard:{standard.id}",
                goal=goal,
                label=f"{goal}: {standard.label}",
                need=1,
                amounts={c.id: 1 for c in meeting[standard.id]},
                items=frozenset({about}),
            )
        )
        goals.items.add(about)
    # a course standard of at least the pathway's minimum hours is that minimum: adding up
    # the hours of other courses towards it would say something the standard does not
    total = known(p.min_hours)
    covered_by_standard = isinstance(total, int) and any(
        (s.min_course_hours or 0) >= total for s in p.standards
    )
    _pathway_hours(p, goal, candidates, items, goals, skip_total=covered_by_standard)


def _meeting_standard(standard: PathwayStandard, candidates: list[Candidate]) -> list[Candidate]:
    """Sessions of a course mainly about the standard's subject, long enough, and taught in
    a way the standard accepts."""
    about = f"primary:{standard.about}"
    minimum = (standard.min_course_hours or 0) * 100
    return [
        c
        for c in candidates
        if about in c.covers
        and c.hours >= minimum
        and (not standard.delivery or format_of(c) in standard.delivery)
    ]


def _domain(kb: KnowledgeBase, p: Pathway) -> frozenset[str]:
    """What a course can be mainly about to belong to pathway ``p``: its techniques and
    competencies, and the conditions that list one of its techniques as their own (a
    technique listed for a third of the KB's conditions or more says nothing)."""
    specific = set(p.techniques) - kb.generic_techniques()
    items = {f"primary:technique:{t}" for t in p.techniques}
    items |= {f"primary:competency:{c}" for c in p.competencies}
    items |= {
        f"primary:condition:{cid}"
        for cid, condition in kb.conditions.items()
        if specific & set(condition.techniques)
    }
    return frozenset(items)


def _pathway_hours(
    p: Pathway,
    goal: str,
    candidates: list[Candidate],
    items: list[str],
    goals: Goals,
    skip_total: bool = False,
) -> None:
    counted = frozenset(items)
    related = [c for c in candidates if not c.covers.isdisjoint(counted)]
    measures: list[tuple[str, str, Callable[[Candidate], int]]] = [
        ("min_hours", "hours", lambda c: c.hours),
        ("in_person_min_hours", "in-person hours", lambda c: c.in_person_hours),
        ("supervised_min_hours", "supervised hours", lambda c: c.supervised_hours),
    ]
    for field_name, label, amount in measures:
        value = getattr(p, field_name)
        hours = known(value)
        if skip_total and field_name == "min_hours":
            continue
        if isinstance(hours, int) and hours > 0:
            goals.requirements.append(
                Requirement(
                    id=f"{goal}|{field_name}",
                    goal=goal,
                    label=f"{goal}: at least {hours} {label}",
                    need=hours * 100,
                    amounts={c.id: amount(c) for c in related if amount(c) > 0},
                    unit="hours",
                )
            )
        elif value == "unknown":
            goals.notes.append(
                f"{goal}: the minimum {label} are unknown in the knowledge base (not enforced)"
            )


#: what shows a course serves a mandated topic, where it is not "mainly about the topic":
#: hands-on hours are classroom hours of a course on massage technique (the rule also asks
#: for in-person delivery, checked by its formats)
TOPIC_EVIDENCE = {"hands-on": ("primary:category:technique", "category:hands-on")}


def format_of(c: Candidate) -> str:
    """The session's mode as the rule texts' delivery formats (hybrid: attended in person)."""
    return FORMAT_OF_MODE.get(c.mode, c.mode)


def _modes_in(formats: Iterable[str]) -> frozenset[str]:
    """The session modes whose delivery format (:func:`format_of`) is one of ``formats``
    (a mode it does not know is its own format)."""
    wanted = frozenset(formats)
    known = frozenset(m for m, f in FORMAT_OF_MODE.items() if f in wanted)
    return known | (wanted - FORMAT_OF_MODE.keys())


def _in_formats(candidates: list[Candidate], formats: Iterable[str]) -> list[Candidate]:
    """The candidates given in one of ``formats`` (all of them when none is named)."""
    if not formats:
        return candidates
    modes = _modes_in(formats)
    return [c for c in candidates if c.mode in modes]


def approved_by(c: Candidate, rules: Jurisdiction) -> bool:
    accepted = rules.accepted_approvers
    if not isinstance(accepted, list):
        return False
    if "any" in accepted:
        return True  # no named approval needed (the course must meet the rule's criteria)
    return bool(c.approvers & {a for a in accepted if a not in ("other", "any")})


#: CE subjects whose courses are written for one state's rules
STATE_SPECIFIC = frozenset(
    {"laws-and-rules", "human-trafficking", "medical-errors", "domestic-violence", "ethics"}
)


def other_states_course(c: Candidate, rules: Jurisdiction, states: dict[str, str]) -> bool:
    """True for a course mainly about a state-specific subject whose title names another
    state ("Ethics for New York Massage Therapists" does not count in Florida)."""
    if not any(f"primary:category:{t}" in c.covers for t in STATE_SPECIFIC):
        return False
    words = f" {c.title} "
    return any(
        code != rules.id and (f" {name} " in words or f" {code} " in words)
        for code, name in states.items()
    )


def _license(
    rules: Jurisdiction,
    status: ComplianceStatus,
    candidates: list[Candidate],
    goals: Goals,
    states: dict[str, str],
    standards: bool = True,
) -> None:
    goal = f"{rules.id} renewal"
    if status.status in ("met", "not-required", "exempt"):
        goals.notes.append(f"{goal}: nothing missing ({status.summary})")
        return
    if not isinstance(rules.accepted_approvers, list):
        goals.notes.append(
            f"{goal}: accepted approvers are unknown in the knowledge base; no session can be "
            "planned as certainly counting"
        )
    elif "other" in rules.accepted_approvers:
        named = ", ".join(a for a in rules.accepted_approvers if a != "other")
        goals.notes.append(
            f"{goal}: only sessions from named approvers ({named}) are planned as counting"
        )
    # approvals, covers and title are the course's: judged once per course (the first
    # session of each course stands for the others)
    first: dict[str, Candidate] = {}
    for c in candidates:
        first.setdefault(c.course, c)
    counting = {
        course
        for course, c in first.items()
        if approved_by(c, rules) and not other_states_course(c, rules, states)
    }
    approved = [c for c in candidates if c.course in counting]
    cap_formats = set(status.cap_formats)
    if not status.online_cap_known:
        goals.notes.append(
            f"{goal}: the online limit is unknown, so online sessions are not counted towards it"
        )
        capped_modes = _modes_in(cap_formats)
        approved = [c for c in approved if c.mode not in capped_modes]
    capped_modes = _modes_in(cap_formats)
    capped = (
        frozenset(c.id for c in approved if c.mode in capped_modes)
        if status.online_cap is not None
        else frozenset()
    )
    remaining_cap = (
        int(status.online_remaining * 100) if status.online_remaining is not None else None
    )
    for req in status.requirements:
        if req.status == "unknown":
            goals.notes.append(f"{goal}: {req.label}: unknown, not planned for")
            continue
        if req.status != "missing":
            continue
        if req.evidence or req.required is None:
            # a checklist item (a current CPR card) or a course to complete: one session
            wanted = req.evidence or ((req.topic,) if req.topic else ())
            if not wanted:
                continue
            pool = _in_formats(approved, req.formats)
            if req.evidence:
                pool = candidates  # a CPR or BLS card comes from any recognised trainer
            goals.requirements.append(
                _cover(goal, f"{goal}: {req.label}", {f"category:{w}" for w in wanted}, pool)
            )
            goals.items |= {f"category:{w}" for w in wanted}
            continue
        missing = req.missing
        if missing is None or missing <= 0:
            continue
        amounts = _amounts(req, approved, rules, goals, standards)
        goals.requirements.append(
            Requirement(
                id=f"{goal}|{req.key}",
                goal=goal,
                label=f"{goal}: {missing.normalize():f} h {req.label[:1].lower() + req.label[1:]}",
                need=int(missing * 100),
                amounts=amounts,
                unit="hours",
                capped=capped & set(amounts) if req.key == "total" else frozenset(),
                cap=remaining_cap if req.key == "total" else None,
            )
        )


def _amounts(
    req: ComplianceRequirement,
    approved: list[Candidate],
    rules: Jurisdiction,
    goals: Goals,
    standards: bool = True,
) -> dict[str, int]:
    pool = _in_formats(approved, req.formats)
    if req.topic:
        # a mandated topic's hours come only from courses mainly about it (a 24-hour bundle
        # that lists ethics among many topics is not 24 hours of ethics)
        evidence = TOPIC_EVIDENCE.get(req.topic, (f"primary:category:{req.topic}",))
        if not standards:
            evidence = (f"category:{req.topic}",)  # the previous behaviour
        wanted = frozenset(evidence)
        pool = [c for c in pool if not c.covers.isdisjoint(wanted)]
        if req.own_laws:
            pool = [c for c in pool if f"state:{rules.id}" in c.approvers]
        goals.items.add(f"category:{req.topic}")
    else:
        goals.all_courses = True
    return {c.id: c.hours for c in pool}
