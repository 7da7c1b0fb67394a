"""Editing and deleting a CE record on the site and through the API, the audit trail, and
certificates that only their owner can see (issue 14, part 1)."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ceatlas.accounts.models import Role
from ceatlas.accounts.service import Accounts
from ceatlas.web.context import WebContext
from web.forms import csrf, log_in, post_form

TODAY = dt.date(2026, 11, 23)
PDF = b"%PDF-1.4 Ana's certificate"


def _headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/v1/me").json()["csrf_token"]}


def _fixed_today(app: FastAPI) -> None:
    ctx: WebContext = app.state.ceatlas
    ctx.today = lambda: TODAY


def _ana_with_a_record(client: TestClient, engine: Engine) -> tuple[int, int]:
    """Ana's Florida license and one CE entry with a PDF certificate: (license, entry)."""
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    log_in(client, "ana@example.org")
    headers = _headers(client)
    lic = client.post(
        "/api/v1/me/ce/licenses",
        json={"jurisdiction": "FL", "number": "MA1", "cycle_end": "2027-08-31"},
        headers=headers,
    )
    assert lic.status_code == 201, lic.text
    entry = client.post(
        "/api/v1/me/ce/entries",
        json={
            "title": "Ethics for Florida",
            "completed_on": "2026-03-01",
            "hours": "2",
            "format": "live_online",
            "approvals": ["NCBTMB:451234"],
            "categories": ["ethics:2"],
        },
        headers=headers,
    )
    assert entry.status_code == 201, entry.text
    entry_id = entry.json()["id"]
    put = client.put(
        f"/api/v1/me/ce/entries/{entry_id}/certificate",
        files={"certificate": ("Ethics cert é.pdf", PDF, "application/pdf")},
        headers=headers,
    )
    assert put.status_code == 200, put.text
    assert put.json()["certificate"]["name"] == "Ethics cert é.pdf"
    return lic.json()["id"], entry_id


def test_a_certificate_is_shown_to_its_owner_and_nobody_else(
    web_app: FastAPI, fresh_client: TestClient, engine: Engine
) -> None:
    _fixed_today(web_app)
    client = fresh_client
    _, entry_id = _ana_with_a_record(client, engine)
    page = client.get("/me/ce").text
    assert f'href="/me/ce/entries/{entry_id}/certificate">View certificate' in page
    assert f'href="/me/ce/entries/{entry_id}/edit">Edit' in page
    shown = client.get(f"/me/ce/entries/{entry_id}/certificate")
    assert shown.status_code == 200
    assert shown.content == PDF
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["x-content-type-options"] == "nosniff"
    disposition = shown.headers["content-disposition"]
    assert disposition.startswith('inline; filename="Ethics cert _.pdf"')
    assert "filename*=UTF-8''Ethics%20cert%20%C3%A9.pdf" in disposition
    saved = client.get(f"/me/ce/entries/{entry_id}/certificate", params={"download": "1"})
    assert saved.headers["content-disposition"].startswith("attachment;")
    api = client.get(f"/api/v1/me/ce/entries/{entry_id}/certificate")
    assert (api.status_code, api.content) == (200, PDF)
    post_form(client, "/logout", {}, page="/")

    Accounts(engine).sign_up("bo@example.org", "correct horse battery", "Bo")
    log_in(client, "bo@example.org")
    headers = _headers(client)
    for response in (
        client.get(f"/me/ce/entries/{entry_id}/certificate"),
        client.get(f"/me/ce/entries/{entry_id}/certificate", params={"download": "1"}),
        client.get(f"/me/ce/entries/{entry_id}/edit"),
        post_form(client, f"/me/ce/entries/{entry_id}/certificate/delete", {}, page="/me/ce"),
        post_form(client, f"/me/ce/entries/{entry_id}/edit", {"title": "Mine"}, page="/me/ce"),
        client.post(  # the upload form of an entry without one answered 500 here
            f"/me/ce/entries/{entry_id}/certificate",
            data={"csrf_token": csrf(client, "/me/ce")},
            files={"certificate": ("x.pdf", b"%PDF-1.4 bo", "application/pdf")},
        ),
        client.get(f"/api/v1/me/ce/entries/{entry_id}/certificate"),
        client.delete(f"/api/v1/me/ce/entries/{entry_id}/certificate", headers=headers),
        client.put(
            f"/api/v1/me/ce/entries/{entry_id}/certificate",
            files={"certificate": ("x.pdf", b"%PDF-1.4 bo", "application/pdf")},
            headers=headers,
        ),
    ):
        assert response.status_code == 404, response.request.url
        assert PDF not in response.content
    post_form(client, "/logout", {}, page="/")

    Accounts(engine).sign_up("school@example.org", "correct horse battery", "S", Role.PROVIDER)
    log_in(client, "school@example.org")
    assert client.get(f"/api/v1/me/ce/entries/{entry_id}/certificate").status_code == 403
    refused = client.get(f"/me/ce/entries/{entry_id}/certificate", follow_redirects=False)
    assert refused.status_code in (303, 403)
    assert PDF not in refused.content
    post_form(client, "/logout", {}, page="/")
    assert client.get(f"/api/v1/me/ce/entries/{entry_id}/certificate").status_code == 401
    anonymous = client.get(f"/me/ce/entries/{entry_id}/certificate", follow_redirects=False)
    assert anonymous.status_code in (303, 401)
    assert PDF not in anonymous.content


def test_a_certificate_is_replaced_and_deleted_with_its_file(
    web_app: FastAPI, fresh_client: TestClient, engine: Engine
) -> None:
    _fixed_today(web_app)
    client = fresh_client
    _, entry_id = _ana_with_a_record(client, engine)
    folder = web_app.state.ceatlas.settings.data_dir / "certificates"
    (stored,) = [p for p in folder.rglob("*") if p.is_file()]
    removed = post_form(client, f"/me/ce/entries/{entry_id}/certificate/delete", {}, "/me/ce")
    assert removed.status_code == 303
    assert not stored.exists()
    assert client.get(f"/me/ce/entries/{entry_id}/certificate").status_code == 404
    headers = _headers(client)
    client.put(
        f"/api/v1/me/ce/entries/{entry_id}/certificate",
        files={"certificate": ("card.png", b"\x89PNG\r\n\x1a\nx", "image/png")},
        headers=headers,
    )
    gone = client.delete(f"/api/v1/me/ce/entries/{entry_id}/certificate", headers=headers)
    assert gone.status_code == 204
    assert [p for p in folder.rglob("*") if p.is_file()] == []
    assert client.get(f"/api/v1/me/ce/entries/{entry_id}").json()["certificate"] is None
    changes = [c["summary"] for c in client.get("/api/v1/me/ce/changes").json()]
    assert changes[:2] == [
        "Deleted the certificate of 'Ethics for Florida' (card.png)",
        "Added the certificate of 'Ethics for Florida' (card.png)",
    ]


def test_editing_an_entry_on_the_site_is_all_or_nothing(
    web_app: FastAPI, fresh_client: TestClient, engine: Engine
) -> None:
    """The edit form opens filled in; a refused replacement certificate or a date in the
    future changes nothing and shows what was typed, the error beside its field with focus;
    a good edit is saved, with its certificate, and the history says what changed."""
    _fixed_today(web_app)
    client = fresh_client
    _, entry_id = _ana_with_a_record(client, engine)
    form = client.get(f"/me/ce/entries/{entry_id}/edit").text
    assert 'value="Ethics for Florida"' in form
    assert 'value="2026-03-01"' in form
    assert 'value="NCBTMB:451234"' in form
    assert 'value="ethics:2"' in form
    assert '<option value="live_online" selected>' in form
    assert "Replace the certificate" in form
    before = client.get(f"/api/v1/me/ce/entries/{entry_id}").json()
    typed = {
        "title": "Ethics for Florida (2026)",
        "completed_on": "2026-03-02",
        "hours": "3",
        "format": "in_person",
        "approvals": "NCBTMB:451234",
        "categories": "ethics:3",
    }
    token = csrf(client, f"/me/ce/entries/{entry_id}/edit")
    refused = client.post(
        f"/me/ce/entries/{entry_id}/edit",
        data={**typed, "csrf_token": token},
        files={"certificate": ("cert.exe", b"MZ\x90\x00", "application/octet-stream")},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert 'value="Ethics for Florida (2026)"' in refused.text
    assert 'value="2026-03-02"' in refused.text
    assert '<option value="in_person" selected>' in refused.text
    assert re.search(r'<input id="certificate"[^>]*aria-invalid="true"[^>]*autofocus', refused.text)
    assert "PDF, PNG or JPEG" in refused.text
    assert client.get(f"/api/v1/me/ce/entries/{entry_id}").json() == before
    future = client.post(
        f"/me/ce/entries/{entry_id}/edit",
        data={**typed, "completed_on": "2026-11-24", "csrf_token": token},
        follow_redirects=False,
    )
    assert future.status_code == 400
    assert "the completion date cannot be in the future" in future.text
    assert re.search(r'<input id="completed_on"[^>]*aria-invalid="true"[^>]*autofocus', future.text)
    assert client.get(f"/api/v1/me/ce/entries/{entry_id}").json() == before
    saved = client.post(
        f"/me/ce/entries/{entry_id}/edit",
        data={**typed, "csrf_token": token},
        files={"certificate": ("new.pdf", b"%PDF-1.4 new", "application/pdf")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    after = client.get(f"/api/v1/me/ce/entries/{entry_id}").json()
    assert (after["title"], after["hours"], after["completed_on"], after["format"]) == (
        "Ethics for Florida (2026)",
        "3.00",
        "2026-03-02",
        "in_person",
    )
    assert after["certificate"]["name"] == "new.pdf"
    assert client.get(f"/me/ce/entries/{entry_id}/certificate").content == b"%PDF-1.4 new"
    changes = [c["summary"] for c in client.get("/api/v1/me/ce/changes").json()]
    assert changes[:2] == [
        "Replaced the certificate of 'Ethics for Florida (2026)' (Ethics cert é.pdf → new.pdf)",
        "Changed CE entry 'Ethics for Florida': title 'Ethics for Florida' → "
        "'Ethics for Florida (2026)'; completed on 2026-03-01 → 2026-03-02; hours 2 → 3; "
        "format live online → in person; CE categories Ethics 2 h → Ethics 3 h",
    ]
    page = client.get("/me/ce").text
    assert "Changes to your record" in page
    assert "hours 2 → 3" in page
    with_changes = client.get("/me/ce/transcript.pdf", params={"with_changes": "1"}).content
    plain = client.get("/me/ce/transcript.pdf").content
    assert with_changes.startswith(b"%PDF")
    assert len(with_changes) > len(plain)


def test_licenses_are_edited_and_deleted_on_the_site(
    web_app: FastAPI, fresh_client: TestClient, engine: Engine
) -> None:
    _fixed_today(web_app)
    client = fresh_client
    license_id, _ = _ana_with_a_record(client, engine)
    page = client.get("/me/ce").text
    assert "Florida license MA1: renews 2027-08-31" in page
    assert f'href="/me/ce/licenses/{license_id}/edit"' in page
    twice = post_form(client, "/me/ce/licenses", {"jurisdiction": "FL", "cycle_end": "2029-08-31"})
    assert twice.status_code == 400
    assert f"FL is already recorded (id {license_id}); edit it instead" in twice.text
    assert f'<a href="/me/ce/licenses/{license_id}/edit">edit the one recorded</a>' in twice.text
    assert '<option value="FL" selected>' in twice.text
    assert 'value="2029-08-31"' in twice.text
    past = post_form(client, "/me/ce/licenses", {"jurisdiction": "NY", "cycle_end": "2020-01-01"})
    assert past.status_code == 400
    assert (
        "the renewal date 2020-01-01 has passed; enter the next renewal date on your license"
        in past.text
    )
    assert re.search(r'<input id="cycle_end"[^>]*aria-invalid="true"[^>]*autofocus', past.text)
    form = client.get(f"/me/ce/licenses/{license_id}/edit").text
    assert "Edit your Florida license" in form
    assert 'value="MA1"' in form
    assert 'value="2027-08-31"' in form
    edit = f"/me/ce/licenses/{license_id}/edit"
    refused = post_form(client, edit, {"number": "MA2", "cycle_end": "2026-11-22"})
    assert refused.status_code == 400
    assert "the renewal date 2026-11-22 has passed" in refused.text
    assert 'value="MA2"' in refused.text
    assert client.get(f"/api/v1/me/ce/licenses/{license_id}").json()["number"] == "MA1"
    saved = post_form(client, edit, {"number": "MA2", "cycle_end": "2029-08-31"})
    assert saved.status_code == 303
    lic = client.get(f"/api/v1/me/ce/licenses/{license_id}").json()
    assert (lic["number"], lic["cycle_end"]) == ("MA2", "2029-08-31")
    post_form(client, "/logout", {}, page="/")
    Accounts(engine).sign_up("bo@example.org", "correct horse battery", "Bo")
    log_in(client, "bo@example.org")
    assert client.get(edit).status_code == 404
    assert post_form(client, edit, {"cycle_end": "2030-01-01"}, page="/me/ce").status_code == 404
    deleted = post_form(client, f"/me/ce/licenses/{license_id}/delete", {}, page="/me/ce")
    assert deleted.status_code == 404
    post_form(client, "/logout", {}, page="/")
    log_in(client, "ana@example.org")
    gone = post_form(client, f"/me/ce/licenses/{license_id}/delete", {}, page="/me/ce")
    assert gone.status_code == 303
    assert client.get("/api/v1/me/ce/licenses").json() == []
    text = client.get("/me/ce").text
    assert "Deleted the Florida license (MA2), renewal 2029-08-31" in text


def test_the_api_edits_and_deletes_licenses_and_entries(
    web_app: FastAPI, fresh_client: TestClient, engine: Engine
) -> None:
    _fixed_today(web_app)
    client = fresh_client
    license_id, entry_id = _ana_with_a_record(client, engine)
    headers = _headers(client)
    lic = f"/api/v1/me/ce/licenses/{license_id}"
    assert client.put(lic, json={"cycle_end": "2029-08-31"}).status_code == 403  # no CSRF
    past = client.put(lic, json={"cycle_end": "2026-01-01"}, headers=headers)
    assert past.status_code == 422
    assert past.json()["error"]["field"] == "cycle_end"
    changed = client.put(lic, json={"number": "MA9", "cycle_end": "2029-08-31"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["number"], changed.json()["jurisdiction"]) == ("MA9", "FL")
    body = {
        "title": "Ethics for Florida",
        "completed_on": "2026-03-01",
        "hours": "3",
        "format": "live_online",
        "approvals": ["NCBTMB:451234"],
        "categories": ["ethics:2"],
    }
    entry = f"/api/v1/me/ce/entries/{entry_id}"
    bad = client.put(entry, json={**body, "completed_on": "1949-12-31"}, headers=headers)
    assert bad.status_code == 422
    assert "1949-12-31 is before 1950" in bad.json()["error"]["message"]
    edited = client.put(entry, json=body, headers=headers)
    assert edited.status_code == 200, edited.text
    assert edited.json()["hours"] == "3.00"
    assert edited.json()["certificate"]["name"] == "Ethics cert é.pdf"  # kept
    post_form(client, "/logout", {}, page="/")
    Accounts(engine).sign_up("bo@example.org", "correct horse battery", "Bo")
    log_in(client, "bo@example.org")
    bo = _headers(client)
    assert client.get(lic).status_code == 404
    assert client.put(lic, json={"cycle_end": "2030-01-01"}, headers=bo).status_code == 404
    assert client.delete(lic, headers=bo).status_code == 404
    assert client.put(entry, json=body, headers=bo).status_code == 404
    assert client.get("/api/v1/me/ce/changes").json() == []
    post_form(client, "/logout", {}, page="/")
    log_in(client, "ana@example.org")
    headers = _headers(client)
    assert client.delete(entry, headers=headers).status_code == 204
    assert client.delete(lic, headers=headers).status_code == 204
    actions = [(c["what"], c["action"]) for c in client.get("/api/v1/me/ce/changes").json()]
    assert actions == [
        ("license", "deleted"),
        ("entry", "deleted"),
        ("entry", "changed"),
        ("license", "changed"),
        ("certificate", "added"),
        ("entry", "added"),
        ("license", "added"),
    ]
