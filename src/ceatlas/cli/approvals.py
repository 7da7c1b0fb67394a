"""``ceatlas approvals``: the verification queue of approval claims (list, verify, reject,
expire), the same as the admin page ``/admin/approvals``."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.table import Table

from ceatlas.catalog.approval_review import ReviewError, list_claims, review
from ceatlas.cli.common import err, fail, out, print_json, services

app = typer.Typer(
    help="Check the approvals providers declare: list the queue, verify, reject, expire.",
    no_args_is_help=True,
)

Ref = Annotated[str, typer.Argument(help="The claim, as `approvals list` names it: course-12.")]
Evidence = Annotated[
    str,
    typer.Option(
        "--evidence",
        help="What you checked, e.g. 'number MCE9999 found in the Florida board's provider "
        "lookup on 2026-12-03', or a link to the document.",
    ),
]
By = Annotated[
    str, typer.Option("--by", help="Who checked it (your name or e-mail), kept with the claim.")
]


@app.command("list")
def list_(
    status: Annotated[
        str,
        typer.Option("--status", help="declared (the queue), verified, rejected, expired or all."),
    ] = "declared",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many.")] = 500,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Approval claims with a status, oldest declared first (default: the ones to check)."""
    with services() as app_:
        app_.catalog.init()
        try:
            found = list_claims(app_.engine, app_.kb, None if status == "all" else status, limit)
        except ReviewError as error:
            raise fail(str(error)) from None
    if len(found) == limit:
        err.print(f"only the oldest {limit} are shown (--limit to see more)", markup=False)
    if as_json:
        print_json([dataclasses.asdict(c) for c in found])
        return
    if not found:
        out.print(f"no {status} approval claims" if status != "all" else "no approval claims")
        return
    table = Table(box=None)
    for name in ("claim", "provider", "course", "approval", "number", "status", "look it up"):
        table.add_column(name)
    for c in found:
        table.add_row(
            c.ref,
            c.provider_name or "-",
            c.course_title or "(all its courses)",
            c.authority_words,
            c.number or "-",
            c.status,
            c.lookup_url or "-",
        )
    out.print(table)


def _review(ref: str, verdict: str, evidence: str, by: str) -> None:
    with services() as app_:
        app_.catalog.init()
        try:
            claim = review(app_.engine, app_.kb, ref, verdict, evidence, by)
        except ReviewError as error:
            raise fail(f"{error.field}: {error}", 1 if error.status == 404 else 2) from None
    number = f" {claim.number}" if claim.number else ""
    out.print(f"{claim.ref} ({claim.authority_words}{number}): {claim.status}", markup=False)


@app.command("verify")
def verify(ref: Ref, evidence: Evidence, by: By = "command line") -> None:
    """Mark a claim verified: the number was found in the authority's listing."""
    _review(ref, "verify", evidence, by)


@app.command("reject")
def reject(ref: Ref, evidence: Evidence, by: By = "command line") -> None:
    """Mark a claim rejected: not found in the authority's listing, or refused."""
    _review(ref, "reject", evidence, by)


@app.command("expire")
def expire(ref: Ref, evidence: Evidence, by: By = "command line") -> None:
    """Mark a claim expired: found, but the approval has lapsed."""
    _review(ref, "expire", evidence, by)
