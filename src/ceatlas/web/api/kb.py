"""The knowledge base: ``/api/v1/kb/{kind}`` and ``/api/v1/kb/{kind}/{id}``."""

from __future__ import annotations

from fastapi import APIRouter, Path

from ceatlas.web.context import Ctx
from ceatlas.web.errors import ERROR_RESPONSES
from ceatlas.web.kbviews import courses_for, entry_of, kind_of
from ceatlas.web.schemas import KBEntry, KBEntrySummary, KBList

router = APIRouter(tags=["knowledge base"], responses=ERROR_RESPONSES)
Kind = Path(
    description="conditions, techniques, competencies, pathways, jurisdictions or categories"
)


@router.get("/kb/{kind}", response_model=KBList, summary="Entries of one kind")
def list_entries(ctx: Ctx, kind: str = Kind) -> KBList:
    plural = kind_of(kind)
    return KBList(
        kind=plural,
        version=ctx.kb.version,
        entries=[
            KBEntrySummary(id=e.id, name=e.name, url=f"/kb/{plural}/{e.id}")
            for e in ctx.kb.entries(plural).values()
        ],
    )


@router.get("/kb/{kind}/{entry_id}", response_model=KBEntry, summary="One entry")
def get_entry(ctx: Ctx, entry_id: str, kind: str = Kind) -> KBEntry:
    """The entry with its sources, and the upcoming catalog courses about it."""
    plural = kind_of(kind)
    entry = entry_of(ctx, plural, entry_id)
    return KBEntry(
        kind=plural,
        id=entry.id,
        name=entry.name,
        entry=entry,
        courses=courses_for(ctx, plural, entry.id),
    )
