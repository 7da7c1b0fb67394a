"""Knowledge pages: ``/kb/{kind}`` and ``/kb/{kind}/{id}`` (conditions, techniques, ...)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ceatlas.kb import BodyRegion, Condition, Jurisdiction, Pathway, Technique, known
from ceatlas.kb.rules_text import describe
from ceatlas.web.context import Ctx
from ceatlas.web.kbviews import KIND_TITLES, courses_for, courses_in_region, entry_of, kind_of
from ceatlas.web.pages.common import render
from ceatlas.web.queries import term_refs

router = APIRouter()


@router.get("/kb", response_class=HTMLResponse)
def kb_home(request: Request, ctx: Ctx) -> HTMLResponse:
    kinds = [
        {"kind": k, "title": title, "count": len(ctx.kb.entries(k))}
        for k, title in KIND_TITLES.items()
    ]
    return render(
        request, "kb_index.html", {"nav": "kb", "kinds": kinds, "kind": None, "entries": []}
    )


@router.get("/kb/{kind}", response_class=HTMLResponse)
def kb_list(request: Request, ctx: Ctx, kind: str) -> HTMLResponse:
    plural = kind_of(kind)
    entries = sorted(ctx.kb.entries(plural).values(), key=lambda e: e.name.lower())
    kinds = [
        {"kind": k, "title": title, "count": len(ctx.kb.entries(k))}
        for k, title in KIND_TITLES.items()
    ]
    return render(
        request,
        "kb_index.html",
        {
            "nav": "kb",
            "kinds": kinds,
            "kind": plural,
            "title": KIND_TITLES[plural],
            "entries": [{"id": e.id, "name": e.name} for e in entries],
        },
    )


@router.get("/kb/{kind}/{entry_id}", response_class=HTMLResponse)
def kb_entry(request: Request, ctx: Ctx, kind: str, entry_id: str) -> HTMLResponse:
    plural = kind_of(kind)
    entry = entry_of(ctx, plural, entry_id)
    context: dict[str, Any] = {
        "nav": "kb",
        "kind": plural,
        "kind_title": KIND_TITLES[plural],
        "entry": entry,
        "courses": courses_for(ctx, plural, entry.id),
        "search_url": _search_url(plural, entry.id),
    }
    if isinstance(entry, Condition):
        context["helps"] = term_refs(ctx.kb, "techniques", entry.techniques)
        context["related"] = term_refs(ctx.kb, "conditions", entry.related)
        return render(request, "kb_condition.html", context)
    if isinstance(entry, Technique):
        context["competencies"] = term_refs(ctx.kb, "competencies", entry.competencies)
        context["conditions"] = [
            {"id": c.id, "name": c.name, "url": f"/kb/conditions/{c.id}"}
            for c in ctx.kb.conditions.values()
            if entry.id in c.techniques
        ]
        return render(request, "kb_technique.html", context)
    if isinstance(entry, Pathway):
        context["competencies"] = term_refs(ctx.kb, "competencies", entry.competencies)
        context["techniques"] = term_refs(ctx.kb, "techniques", entry.techniques)
        context["prerequisite_pathways"] = term_refs(
            ctx.kb, "pathways", entry.prerequisite_pathways
        )
        context["steps"] = [_step(ctx, step) for step in entry.recommended_order]
        context["hours"] = [
            (label, known(value))
            for label, value in (
                ("Minimum hours", entry.min_hours),
                ("In-person hours, at least", entry.in_person_min_hours),
                ("Supervised hours, at least", entry.supervised_min_hours),
            )
        ]
        context["credential"] = known(entry.credential)
        return render(request, "kb_pathway.html", context)
    if isinstance(entry, Jurisdiction):
        names = {c.id: c.name for c in ctx.kb.categories.values()}
        context["rules"] = describe(entry, names)
        context["fields"] = [
            ("Regulation", entry.regulation),
            ("License", str(entry.license_title).replace("not-applicable", "none")),
            ("Confidence of this record", entry.confidence),
        ] + ([("Notes", entry.notes)] if entry.notes else [])
        return render(request, "kb_jurisdiction.html", context)
    if isinstance(entry, BodyRegion):
        context["courses"] = courses_in_region(ctx, entry.id)
        context["fields"] = [
            ("Also called", ", ".join(entry.synonyms)),
            (
                "Conditions felt here",
                ", ".join(r.name for r in term_refs(ctx.kb, "conditions", entry.conditions)),
            ),
            ("Description", entry.description),
        ]
        context["fields"] = [(label, text) for label, text in context["fields"] if text]
        return render(request, "kb_entry.html", context)
    context["fields"] = _fields(entry)
    return render(request, "kb_entry.html", context)


def _search_url(kind: str, ident: str) -> str | None:
    field = {
        "conditions": "conditions",
        "techniques": "techniques",
        "pathways": "pathway",
        "jurisdictions": "state",
    }.get(kind)
    if field is None:
        return None
    return f"/?{field}={ident}"


def _step(ctx: Ctx, step: str) -> dict[str, Any]:
    kind, _, ident = step.partition(":")
    plural = {"competency": "competencies", "technique": "techniques"}.get(kind, kind)
    refs = term_refs(ctx.kb, plural, [ident]) if plural in KIND_TITLES else []
    if refs:
        return {"name": refs[0].name, "url": refs[0].url, "kind": kind}
    return {"name": ident, "url": None, "kind": kind}


_SKIP = {"id", "name", "sources"}


def _fields(entry: Any) -> list[tuple[str, str]]:
    """A generic entry's other fields as (label, text) rows, unknown values said plainly."""
    rows = []
    for name, value in entry.model_dump().items():
        if name in _SKIP or value in ("", [], {}, None):
            continue
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            text = "; ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        else:
            text = str(value)
        rows.append((name.replace("_", " ").capitalize(), text))
    return rows
