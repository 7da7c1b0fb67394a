"""Does a course count for the signed-in therapist's licenses? In words, per license.

Course pages said "Check with your licensing board" to a therapist whose Florida license
the site already knew. For each state license in the therapist's record this says whether
one of the approvals the course (or its provider) lists is one the state accepts, by the
knowledge base's rule for that state; when the knowledge base does not know the state's
accepted approvers it says so. An approval an administrator verified counts; one only
declared by the provider "may count" and says it is not yet checked (as the CE status
counts its hours as uncertain); a rejected or expired one does not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from ceatlas.catalog.approval_review import COUNTING_STATUSES
from ceatlas.catalog.models import Course
from ceatlas.compliance.service import LicenseView
from ceatlas.kb import KnowledgeBase
from ceatlas.planner.fit import LicenseCount
from ceatlas.web.queries import approvals
from ceatlas.web.schemas import Approval


@dataclass(frozen=True)
class LicenseFit:
    state: str  # the jurisdiction's name, e.g. "Florida"
    status: str  # "counts", "declared", "criteria", "no", "unknown"
    text: str


def _who(code: str, kb: KnowledgeBase) -> str:
    if code.startswith("state:"):
        found = kb.jurisdictions.get(code[6:])
        return f"the {found.name} board" if found else f"the {code[6:]} board"
    if code == "school":
        return "approved schools"
    return code


def license_fits(
    licenses: list[LicenseView],
    course_approvals: list[Approval],
    provider_approvals: list[Approval],
    kb: KnowledgeBase,
    today: dt.date,
) -> list[LicenseFit]:
    """One line per state license: does a listed approval count there today?"""
    listed = course_approvals + provider_approvals
    out: list[LicenseFit] = []
    for license_ in licenses:
        if license_.kind != "license":
            continue
        jurisdiction = kb.jurisdictions.get(license_.jurisdiction)
        name = jurisdiction.name if jurisdiction else license_.jurisdiction
        accepted = jurisdiction.accepted_approvers if jurisdiction else None
        if not isinstance(accepted, list):
            out.append(
                LicenseFit(
                    name,
                    "unknown",
                    f"{name}: we do not know which approvals {name} accepts; ask the board "
                    "before you count on this course.",
                )
            )
            continue
        fit = _listed_fit(name, [a for a in listed if a.authority in accepted], kb, today)
        if fit is not None:
            out.append(fit)
            continue
        named = [_who(code, kb) for code in accepted if code not in ("any", "other")]
        if "any" in accepted:
            out.append(
                LicenseFit(
                    name,
                    "criteria",
                    f"{name}: none of the approvals listed is one {name} names, but {name} "
                    "also accepts courses that meet its own criteria; check them before you "
                    "count on this course.",
                )
            )
            continue
        if "other" in accepted:
            out.append(
                LicenseFit(
                    name,
                    "criteria",
                    f"{name}: none of the approvals listed is one {name} names; {name} also "
                    "accepts approvers we do not list, so ask the board.",
                )
            )
            continue
        accepts = ", ".join(named) if named else "no approver we know of"
        out.append(
            LicenseFit(
                name,
                "no",
                f"{name}: does not count as listed. {name} accepts courses approved by "
                f"{accepts}; this course lists none of them.",
            )
        )
    return out


def _day(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _listed_fit(
    name: str, accepted: list[Approval], kb: KnowledgeBase, today: dt.date
) -> LicenseFit | None:
    """The answer from the listed approvals the state accepts (None: none is listed)."""
    standing = [a for a in accepted if a.status in COUNTING_STATUSES]
    current = [a for a in standing if a.valid_until is None or a.valid_until >= today]
    checked = [a for a in current if a.status == "verified"]
    if checked:
        a = checked[0]
        until = f", valid until {_day(a.valid_until)}" if a.valid_until else ""
        return LicenseFit(
            name,
            "counts",
            f"{name}: counts. {a.label} was verified{until}, and {name} accepts courses "
            f"approved by {_who(a.authority, kb)}.",
        )
    if current:
        a = current[0]
        until = f", valid until {_day(a.valid_until)}" if a.valid_until else ""
        return LicenseFit(
            name,
            "declared",
            f"{name}: may count: the provider says it is approved by {_who(a.authority, kb)}; "
            f"not yet checked ({a.label}{until}). {name} accepts that approval, so the hours "
            "count once it is confirmed.",
        )
    if standing:
        a = standing[0]
        assert a.valid_until is not None
        return LicenseFit(
            name,
            "no",
            f"{name}: does not count as listed: the {a.label} approval ended on "
            f"{_day(a.valid_until)}.",
        )
    if accepted:
        a = accepted[0]
        return LicenseFit(
            name,
            "no",
            f"{name}: does not count as listed: the {a.label} approval was checked and "
            f"{'found to have lapsed' if a.status == 'expired' else 'not confirmed'}.",
        )
    return None


def course_fits(
    engine: Engine,
    kb: KnowledgeBase,
    licenses: list[LicenseView],
    course_ids: list[int],
    today: dt.date,
) -> dict[int, dict[str, LicenseFit]]:
    """:func:`license_fits` of each course in ``course_ids``, by the license's state name."""
    out: dict[int, dict[str, LicenseFit]] = {}
    if not course_ids or not any(lic.kind == "license" for lic in licenses):
        return out
    with Session(engine) as db:
        found = db.scalars(
            select(Course).where(Course.id.in_(course_ids)).options(selectinload(Course.approvals))
        )
        for course in found:
            own = approvals(course.approvals, kb, "course")
            held = approvals(course.provider.approvals, kb, "provider") if course.provider else []
            fits = license_fits(licenses, own, held, kb, today)
            out[course.id] = {fit.state: fit for fit in fits}
    return out


def checked_count(count: LicenseCount, fits: dict[str, LicenseFit]) -> tuple[str, bool | None]:
    """A session's "counts toward ..." line for one license, corrected by whether the
    approval it rests on was checked: (the sentence, counts: True, False or None for
    uncertain). The planner's answer reads every approval listed; a declared one makes it
    "may count", a rejected or expired one (with no other) "does not count"."""
    fit = fits.get(count.license)
    if fit is None or not count.counts:
        return count.sentence, count.counts
    if fit.status == "declared":
        if count.toward:
            toward = "; ".join(count.toward)
            return (
                f"{count.license}: may count toward {toward}, once its approval is checked",
                None,
            )
        return fit.text, None
    if fit.status == "no":
        return fit.text, False
    return count.sentence, count.counts
