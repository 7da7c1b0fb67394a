"""The admin area: approving provider accounts, browsing knowledge-base sources,
confirming or correcting what a course covers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.models import Course, Provider
from web.forms import PASSWORD, log_in, post_form

MIGRAINE = "Migraine: What Massage Can and Cannot Do"


def test_only_admins_see_the_admin_area(fresh_client: TestClient, engine: Engine) -> None:
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    assert fresh_client.get("/admin", follow_redirects=False).status_code == 303
    log_in(fresh_client, "ana@example.org")
    assert fresh_client.get("/admin").status_code == 403
    assert fresh_client.get("/admin/sources").status_code == 403


def test_approve_a_provider_account(fresh_client: TestClient, engine: Engine) -> None:
    accounts = Accounts(engine)
    accounts.create_admin("root@example.org", PASSWORD)
    school = accounts.sign_up("school@example.org", PASSWORD, "School", Role.PROVIDER)
    other = accounts.sign_up("new@example.org", PASSWORD, "New <b>school</b>", Role.PROVIDER)
    log_in(fresh_client, "root@example.org")
    home = fresh_client.get("/admin")
    assert "New &lt;b&gt;school&lt;/b&gt;" in home.text
    path = f"/admin/providers/{school.id}/approve"
    neither = post_form(
        fresh_client, path, {"provider": "", "new_provider_name": ""}, page="/admin"
    )
    assert neither.status_code == 422
    assert f'id="provider-{school.id}-error"' in neither.text
    unknown = post_form(fresh_client, path, {"provider": "no-such-key"}, page="/admin")
    assert unknown.status_code == 404
    with Session(engine) as db:
        provider_id, key = db.execute(select(Provider.id, Provider.key).limit(1)).one()
    linked = post_form(fresh_client, path, {"provider": str(provider_id)}, page="/admin")
    assert linked.status_code == 303
    approved = accounts.get(school.id)
    assert approved is not None
    assert (approved.approved, approved.provider_id) == (True, provider_id)
    created = post_form(
        fresh_client,
        f"/admin/providers/{other.id}/approve",
        {"new_provider_name": "Brand New School", "new_url": "https://brand-new.example"},
        page="/admin",
    )
    assert created.status_code == 303
    fresh = accounts.get(other.id)
    assert fresh is not None
    assert fresh.can_publish
    assert key
    with Session(engine) as db:
        assert db.scalar(select(Provider.name).where(Provider.id == fresh.provider_id)) == (
            "Brand New School"
        )


def test_a_new_provider_with_a_bad_website_or_none(
    fresh_client: TestClient, engine: Engine
) -> None:
    """A website without https:// is refused at its field, keeping what was typed (it was a
    500); a name alone is enough for a new provider (it was refused as "needs a name")."""
    accounts = Accounts(engine)
    accounts.create_admin("root@example.org", PASSWORD)
    school = accounts.sign_up("solo@example.org", PASSWORD, "Solo", Role.PROVIDER)
    log_in(fresh_client, "root@example.org")
    path = f"/admin/providers/{school.id}/approve"
    typed = {"new_provider_name": "Solo Bodywork Studio", "new_url": "solo-bodywork.example"}
    bad = post_form(fresh_client, path, typed, page="/admin")
    assert bad.status_code == 422
    assert "enter a web address starting with https://" in bad.text
    assert 'value="solo-bodywork.example"' in bad.text
    assert accounts.get(school.id).approved is False  # type: ignore[union-attr]
    named = post_form(
        fresh_client, path, {"new_provider_name": "Solo Bodywork Studio"}, page="/admin"
    )
    assert named.status_code == 303
    approved = accounts.get(school.id)
    assert approved is not None
    assert approved.can_publish
    with Session(engine) as db:
        provider = db.get(Provider, approved.provider_id)
        assert provider is not None
        assert (provider.name, provider.url) == ("Solo Bodywork Studio", None)


def test_sources_page_lists_kb_sources(fresh_client: TestClient, engine: Engine) -> None:
    Accounts(engine).create_admin("root@example.org", PASSWORD)
    log_in(fresh_client, "root@example.org")
    page = fresh_client.get("/admin/sources")
    assert page.status_code == 200
    assert "distinct sources" in page.text
    assert 'href="/kb/conditions/' in page.text


def _course_id(engine: Engine, title: str) -> int:
    with Session(engine) as db:
        found = db.scalar(select(Course.id).where(Course.title == title))
    assert found is not None
    return found


def test_course_terms_are_for_admins_only(fresh_client: TestClient, engine: Engine) -> None:
    course_id = _course_id(engine, MIGRAINE)
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    assert fresh_client.get("/admin/courses", follow_redirects=False).status_code == 303
    log_in(fresh_client, "ana@example.org")
    assert fresh_client.get("/admin/courses").status_code == 403
    assert fresh_client.get(f"/admin/courses/{course_id}/terms").status_code == 403
    posted = fresh_client.post(
        f"/admin/courses/{course_id}/terms",
        data={"kind": "conditions", "term": "sciatica", "centrality": "primary"},
        follow_redirects=False,
    )
    assert posted.status_code in (403, 400)


def test_an_admin_corrects_what_a_course_covers(fresh_client: TestClient, engine: Engine) -> None:
    """The sample's migraine course is about migraine (its title). An administrator says it
    does not teach migraine after all: the condition filter stops finding it; a typo in the
    add form is refused next to its field with the closest KB name, and nothing is saved."""
    Accounts(engine).create_admin("root@example.org", PASSWORD)
    log_in(fresh_client, "root@example.org")
    course_id = _course_id(engine, MIGRAINE)
    found = fresh_client.get("/admin/courses", params={"q": "migraine"})
    assert f'href="/admin/courses/{course_id}/terms"' in found.text
    page = fresh_client.get(f"/admin/courses/{course_id}/terms")
    assert page.status_code == 200
    assert "Migraine" in page.text
    assert "Main subject" in page.text
    assert "primary" not in page.text.replace('value="primary"', "")  # words, not codes

    def migraine_courses() -> set[str]:
        hits = fresh_client.get(
            "/api/v1/search", params={"conditions": "migraine", "per_page": 100}
        ).json()["results"]
        return {h["course"]["title"] for h in hits}

    assert MIGRAINE in migraine_courses()
    path = f"/admin/courses/{course_id}/terms"
    typo = post_form(
        fresh_client, path, {"kind": "conditions", "term": "migrane", "centrality": "primary"}
    )
    assert typo.status_code == 422
    assert 'id="term-error"' in typo.text
    assert "did you mean Migraine" in typo.text
    assert 'value="migrane"' in typo.text  # what the admin typed is kept
    assert MIGRAINE in migraine_courses()
    done = post_form(
        fresh_client, path, {"kind": "conditions", "term": "Migraine", "centrality": "none"}
    )
    assert done.status_code == 303
    assert MIGRAINE not in migraine_courses()
    again = fresh_client.get(done.headers["location"])
    assert "Not taught" in again.text
    assert "confirmed by an administrator" in again.text
