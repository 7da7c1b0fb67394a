"""The provider's course form takes CE subjects (knowledge-base categories, checked like
techniques) and approvals (approver and number), saved as declared by the provider."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.approval_review import list_claims, review
from ceatlas.catalog.models import Course, Provider
from ceatlas.catalog.service import Catalog
from ceatlas.kb import load_kb
from web.forms import PASSWORD, log_in, post_form

NEW = "/provider/courses/new"


def _provider(engine: Engine) -> None:
    accounts = Accounts(engine)
    with Session(engine) as db:
        key = db.scalars(select(Provider.key).order_by(Provider.id).limit(1)).one()
    user = accounts.sign_up("school@example.org", PASSWORD, "School", Role.PROVIDER)
    accounts.approve_provider(user.id, key)


def _claims(engine: Engine, course_id: int) -> list[tuple[str, str | None, str]]:
    with Session(engine) as db:
        course = db.get(Course, course_id)
        assert course is not None
        return [(a.authority, a.number, a.status) for a in course.approvals]


def test_course_form_saves_categories_and_declared_approvals(
    fresh_client: TestClient, engine: Engine
) -> None:
    _provider(engine)
    log_in(fresh_client, "school@example.org")
    base = {"title": "Florida Laws and Ethics", "ce_hours": "4"}
    typo = post_form(fresh_client, NEW, base | {"ce_categories": "medical erors", "approvals": ""})
    assert typo.status_code == 422
    assert "&#39;medical erors&#39; is not a CE category in the knowledge base" in typo.text
    assert "did you mean Prevention of medical errors" in typo.text
    assert 'id="ce_categories-error"' in typo.text
    assert 'value="Florida Laws and Ethics"' in typo.text
    unknown = post_form(
        fresh_client, NEW, base | {"ce_categories": "ethics", "approvals": "NCBTM:458800"}
    )
    assert unknown.status_code == 422
    assert "is not an approver we know; did you mean NCBTMB?" in unknown.text
    assert 'value="NCBTM:458800"' in unknown.text
    with Session(engine) as db:
        assert db.scalar(select(Course.id).where(Course.title == base["title"])) is None
    made = post_form(
        fresh_client,
        NEW,
        base
        | {
            "ce_categories": "Ethics, prevention of medical errors",
            "approvals": "NCBTMB:458800, FL:MCE5150",
        },
    )
    assert made.status_code == 303
    course_id = int(re.findall(r"/provider/courses/(\d+)/edit", made.headers["location"])[0])
    with Session(engine) as db:
        course = db.get(Course, course_id)
        assert course is not None
        assert course.ce_categories == ["ethics", "medical-errors"]
    assert _claims(engine, course_id) == [
        ("NCBTMB", "458800", "declared"),
        ("state:FL", "MCE5150", "declared"),
    ]
    edit = fresh_client.get(f"/provider/courses/{course_id}/edit").text
    assert 'value="Ethics, Prevention of medical errors"' in edit
    assert 'value="NCBTMB:458800, FL:MCE5150"' in edit
    # an administrator verifies the Florida approval; saving the form unchanged keeps it
    kb = load_kb()
    ref = next(
        c.ref for c in list_claims(engine, kb) if c.number == "MCE5150" and c.course_id == course_id
    )
    review(engine, kb, ref, "verify", "found in the board's lookup", "root@example.org")
    form = base | {
        "title": "Florida Laws and Ethics (2027)",
        "ce_categories": "Ethics, Prevention of medical errors",
        "approvals": "NCBTMB:458800, FL:MCE5150",
    }
    path = f"/provider/courses/{course_id}/edit"
    assert post_form(fresh_client, path, form).status_code == 303
    assert _claims(engine, course_id) == [
        ("NCBTMB", "458800", "declared"),
        ("state:FL", "MCE5150", "verified"),
    ]
    # a new number is the provider's word again; an emptied field removes the approvals
    changed = form | {"approvals": "NCBTMB:458800, FL:MCE7777"}
    assert post_form(fresh_client, path, changed).status_code == 303
    assert _claims(engine, course_id) == [
        ("NCBTMB", "458800", "declared"),
        ("state:FL", "MCE7777", "declared"),
    ]
    assert post_form(fresh_client, path, form | {"approvals": ""}).status_code == 303
    assert _claims(engine, course_id) == []


def test_an_imported_approval_by_another_approver_survives_a_form_edit(
    fresh_client: TestClient, engine: Engine, catalog: Catalog, tmp_path: Path
) -> None:
    """The form names approvers by code only; a course imported with an approval by
    another, named body keeps it when the provider saves the form."""
    _provider(engine)
    with Session(engine) as db:
        key = db.scalars(select(Provider.key).order_by(Provider.id).limit(1)).one()
    path = tmp_path / "other.csv"
    path.write_text(
        "provider_key,course_key,title,ce_hours,course_approvals\n"
        f"{key},https://other.example/c/1,Pregnancy Massage Basics,6,"
        "other:State Massage Association:SMA-77; NCBTMB:458801\n"
    )
    catalog.import_paths([path])
    with Session(engine) as db:
        course_id = db.scalars(
            select(Course.id).where(Course.key == "https://other.example/c/1")
        ).one()
    log_in(fresh_client, "school@example.org")
    edit = fresh_client.get(f"/provider/courses/{course_id}/edit").text
    assert 'value="NCBTMB:458801"' in edit
    form = {
        "title": "Pregnancy Massage Basics",
        "ce_hours": "6",
        "ce_categories": "",
        "approvals": "NCBTMB:458801",
    }
    saved = post_form(fresh_client, f"/provider/courses/{course_id}/edit", form)
    assert saved.status_code == 303
    assert sorted(_claims(engine, course_id)) == [
        ("NCBTMB", "458801", "declared"),
        ("other", "SMA-77", "declared"),
    ]
