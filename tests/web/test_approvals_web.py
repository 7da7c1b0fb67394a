"""Verified approvals on the site: the admin queue (roles, CSRF, evidence), the course
page and search cards saying verified or declared, the API's ``status`` field.

Hand working for the Florida therapist (FL.yaml: Florida accepts NCBTMB, AMTA, ABMP, the
Florida board or a recognised school, R. 64B7-28.009(1)-(2)): the course lists only
``state:FL:MCE9999`` and its provider nothing, so while the claim is declared the course
"may count" (the provider's word, not yet checked); verified, it counts; rejected, none of
the approvals listed is one Florida accepts, so it does not count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.approval_review import list_claims, review
from ceatlas.catalog.models import Course
from ceatlas.catalog.service import Catalog
from ceatlas.compliance import CeRecords
from ceatlas.kb import load_kb
from web.forms import PASSWORD, csrf, log_in, post_form

COURSE = "https://gulf.example/c/1"


def _import(catalog: Catalog, tmp_path: Path) -> int:
    path = tmp_path / "gulf.csv"
    path.write_text(
        "provider_key,provider_name,course_key,title,ce_hours,course_approvals\n"
        f"https://gulf.example/,Gulf School,{COURSE},Gulf Hot Stone Basics,3,state:FL:MCE9999\n"
    )
    catalog.import_paths([path])
    with Session(catalog.engine) as db:
        found = db.scalar(select(Course.id).where(Course.key == COURSE))
    assert found is not None
    return found


def _gulf_ref(engine: Engine) -> str:
    claims = list_claims(engine, load_kb())
    return next(c.ref for c in claims if c.course_title == "Gulf Hot Stone Basics")


def test_only_admins_work_the_queue(
    fresh_client: TestClient, engine: Engine, catalog: Catalog, tmp_path: Path
) -> None:
    _import(catalog, tmp_path)
    ref = _gulf_ref(engine)
    accounts = Accounts(engine)
    accounts.sign_up("ana@example.org", PASSWORD, "Ana")
    accounts.sign_up("school@example.org", PASSWORD, "School", Role.PROVIDER)
    anonymous = fresh_client.get("/admin/approvals", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=/admin/approvals")
    for email in ("ana@example.org", "school@example.org"):
        log_in(fresh_client, email)
        assert fresh_client.get("/admin/approvals").status_code == 403
        token = csrf(fresh_client, "/account/password")
        posted = fresh_client.post(
            "/admin/approvals",
            data={"claim": ref, "verdict": "verify", "evidence": "x", "csrf_token": token},
            follow_redirects=False,
        )
        assert posted.status_code == 403
        fresh_client.post("/logout", data={"csrf_token": token})
        fresh_client.cookies.clear()
    assert {c.status for c in list_claims(engine, load_kb(), None)} == {"declared"}


def test_admin_verifies_with_evidence_and_a_refusal_keeps_the_text(
    fresh_client: TestClient, engine: Engine, catalog: Catalog, tmp_path: Path
) -> None:
    _import(catalog, tmp_path)
    ref = _gulf_ref(engine)
    Accounts(engine).create_admin("root@example.org", PASSWORD)
    log_in(fresh_client, "root@example.org")
    page = fresh_client.get("/admin/approvals")
    assert page.status_code == 200
    assert f'id="{ref}"' in page.text
    assert "The Florida board #MCE9999" in page.text
    assert 'href="http://www.floridasmassagetherapy.gov/renewals/massage-therapist/"' in page.text
    # the queue is the oldest first: the sample catalog's claims came before this import
    assert page.text.index(f'id="{ref}"') > page.text.index('id="provider-1"')
    forged = fresh_client.post(
        "/admin/approvals",
        data={"claim": ref, "verdict": "verify", "evidence": "found", "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    refused = post_form(
        fresh_client,
        "/admin/approvals",
        {"claim": ref, "verdict": "launch", "evidence": "typed <b>words</b>"},
    )
    assert refused.status_code == 422
    assert "choose verify, reject or mark expired" in refused.text
    assert "typed &lt;b&gt;words&lt;/b&gt;</textarea>" in refused.text
    empty = post_form(fresh_client, "/admin/approvals", {"claim": ref, "verdict": "verify"})
    assert empty.status_code == 422
    assert "say what you checked" in empty.text
    assert {c.ref for c in list_claims(engine, load_kb())} >= {ref}
    evidence = "number MCE9999 found in the Florida board's provider lookup on 2026-12-03"
    done = post_form(
        fresh_client, "/admin/approvals", {"claim": ref, "verdict": "verify", "evidence": evidence}
    )
    assert done.status_code == 303
    (claim,) = [c for c in list_claims(engine, load_kb(), "verified") if c.ref == ref]
    assert (claim.reviewed_by, claim.evidence) == ("root@example.org", evidence)
    assert f'id="{ref}"' not in fresh_client.get(done.headers["location"]).text
    nameless = post_form(
        fresh_client, "/admin/approvals", {"claim": "", "verdict": "verify", "evidence": "x"}
    )
    assert nameless.status_code == 422
    assert "is not a claim: write course-&lt;id&gt; or provider-&lt;id&gt;" in nameless.text
    gone = post_form(
        fresh_client,
        "/admin/approvals",
        {"claim": "course-999999", "verdict": "reject", "evidence": "x"},
    )
    assert gone.status_code == 404


def test_pages_and_api_say_declared_or_verified(
    fresh_client: TestClient, engine: Engine, catalog: Catalog, tmp_path: Path
) -> None:
    course_id = _import(catalog, tmp_path)
    ana = Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    records = CeRecords(engine, load_kb(), tmp_path / "data")
    records.add_license(ana.id, "FL", cycle_end="2027-08-31", today=dt.date(2026, 12, 3))
    ref = _gulf_ref(engine)
    api = fresh_client.get(f"/api/v1/courses/{course_id}").json()
    assert [(a["authority"], a["status"]) for a in api["approvals"]] == [("state:FL", "declared")]
    log_in(fresh_client, "ana@example.org")
    page = fresh_client.get(f"/courses/{course_id}").text
    assert "Florida board approved course #MCE9999 <span" in page
    assert "(declared by the provider)" in page
    assert (
        "Florida: may count: the provider says it is approved by the Florida board; not yet checked"
    ) in page
    review(engine, load_kb(), ref, "verify", "looked up on 2026-12-03", "root@example.org")
    page = fresh_client.get(f"/courses/{course_id}").text
    assert "(verified)" in page
    assert "Florida: counts. Florida board approved course #MCE9999 was verified" in page
    api = fresh_client.get(f"/api/v1/courses/{course_id}").json()
    assert api["approvals"][0]["status"] == "verified"
    review(engine, load_kb(), ref, "reject", "looked up on 2026-12-03", "root@example.org")
    page = fresh_client.get(f"/courses/{course_id}").text
    assert "Florida: does not count as listed" in page
    assert "was checked and not confirmed" in page


def test_openapi_documents_the_status(fresh_client: TestClient) -> None:
    schema = fresh_client.get("/openapi.json").json()["components"]["schemas"]["Approval"]
    status = schema["properties"]["status"]
    assert status["enum"] == ["declared", "verified", "rejected", "expired"]
    assert "not yet checked" in status["description"]
    assert "status" in schema["required"]


def test_provider_standing_follows_its_checked_approvals(
    fresh_client: TestClient, engine: Engine, catalog: Catalog, tmp_path: Path
) -> None:
    """Gulf School lists no approval of its own (its course's does not make the provider
    approved): pending. Given a declared NCBTMB approval: provisional. Verified: verified.
    Rejected, it is back to pending."""
    _import(catalog, tmp_path)
    with Session(engine) as db:
        provider_id = db.scalars(select(Course.provider_id).where(Course.key == COURSE)).one()
    assert provider_id is not None

    def standing() -> tuple[str, str]:
        api = fresh_client.get(f"/api/v1/providers/{provider_id}").json()
        page = fresh_client.get(f"/providers/{provider_id}").text
        return api["standing"], page

    assert standing()[0] == "pending"
    assert "Pending: it lists no approval that could be checked." in standing()[1]
    path = tmp_path / "gulf-provider.csv"
    path.write_text(
        "provider_key,provider_name,provider_approvals,course_key,title,ce_hours,"
        "course_approvals\n"
        f"https://gulf.example/,Gulf School,NCBTMB:777001,{COURSE},Gulf Hot Stone Basics,3,"
        "state:FL:MCE9999\n"
    )
    catalog.import_paths([path])
    assert standing()[0] == "provisional"
    assert "Provisional: it lists approvals that are not checked yet." in standing()[1]
    kb = load_kb()
    ref = next(c.ref for c in list_claims(engine, kb) if c.number == "777001")
    review(engine, kb, ref, "verify", "found in NCBTMB's provider search", "root@example.org")
    assert standing()[0] == "verified"
    assert "(verified)" in standing()[1]
    review(engine, kb, ref, "reject", "not in NCBTMB's provider search", "root@example.org")
    assert standing()[0] == "pending"
