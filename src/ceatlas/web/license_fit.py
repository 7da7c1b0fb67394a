"""Does a course count for the signed-in therapist's licenses? In words, per license.

Course pages said "Check with your licensing board" to a therapist whose Florida license
the site already knew. For each state license in the therapist's record this says whether
one of the approvals the course (or its provider) lists is one the state accepts, by the
knowledge base's rule for that state; when the knowledge base does not know the state's
accepted approvers it says so. Approvals are as the provider published them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ceatlas.compliance.service import LicenseView
from ceatlas.kb import KnowledgeBase
from ceatlas.web.schemas import Approval


@dataclass(frozen=True)
class LicenseFit:
    state: str  # the jurisdiction's name, e.g. "Florida"
    status: str  # "counts", "criteria", "no", "unknown"
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
        current = [
            a
            for a in listed
            if a.authority in accepted and (a.valid_until is None or a.valid_until >= today)
        ]
        if current:
            a = current[0]
            until = (
                f", valid until {a.valid_until:%b} {a.valid_until.day}, {a.valid_until.year}"
                if a.valid_until
                else ""
            )
            out.append(
                LicenseFit(
                    name,
                    "counts",
                    f"{name}: counts. The provider lists {a.label}{until}, and {name} accepts "
                    f"courses approved by {_who(a.authority, kb)}.",
                )
            )
            continue
        expired = [a for a in listed if a.authority in accepted]
        if expired:
            a = expired[0]
            assert a.valid_until is not None
            text = (
                f"{name}: does not count as listed: the {a.label} approval ended on "
                f"{a.valid_until:%b} {a.valid_until.day}, {a.valid_until.year}."
            )
            out.append(LicenseFit(name, "no", text))
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
