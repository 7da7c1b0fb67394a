"""Server-rendered pages: content, escaping, accessibility basics, headers."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

SEARCH = "/?q=sciatica&near=33602&radius=50&modes=in_person&days=saturday&days=sunday&max_price=400"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def _ids(html: str, pattern: str) -> list[int]:
    return [int(x) for x in re.findall(pattern, html)]


def assert_page_basics(html: str) -> None:
    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    for attrs in SCRIPT_TAG.findall(html):
        # No inline JavaScript: external files, or JSON-LD data blocks only.
        assert "src=" in attrs or 'type="application/ld+json"' in attrs, attrs
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "no inline event handlers"
    assert not re.search(r'(href|src)="\s*javascript:', html, re.I)
    # Every form control has a label.
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    for control in controls:
        if 'type="hidden"' in control or 'type="submit"' in control:
            continue
        ident = re.search(r'\bid="([^"]+)"', control)
        assert ident, control
        assert f'for="{ident.group(1)}"' in html, control


def test_search_page_shows_results_and_keeps_the_query(client: TestClient) -> None:
    response = client.get(SEARCH)
    assert response.status_code == 200
    html = response.text
    assert_page_basics(html)
    assert "courses found" in html  # one card per course by default
    assert 'class="card"' in html
    assert "Why it matched" in html
    assert "Sample data" in html
    assert 'value="sciatica"' in html
    assert 'value="33602"' in html
    assert re.search(r'<option value="50" selected>', html)
    assert re.search(r'id="mode-in_person" name="modes" value="in_person" checked', html)
    assert re.search(r'id="day-saturday" name="days" value="saturday" checked', html)
    assert re.search(r'id="day-monday" name="days" value="monday">', html)
    assert 'value="400"' in html
    assert "Approvals:" in html
    assert "/sessions/" in html
    assert ".ics" in html
    assert 'role="search"' in html
    assert 'method="get"' in html


def test_empty_search_lists_sessions_with_facets_and_pagination(client: TestClient) -> None:
    html = client.get("/").text
    assert_page_basics(html)
    assert 'aria-label="Result pages"' in html
    assert 'aria-current="page">1<' in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert next_link
    assert dict(parse_qsl(urlsplit(next_link.group(1).replace("&amp;", "&")).query)) == {
        "page": "2"
    }
    page2 = client.get("/?page=2&modes=live_online").text
    link = re.search(r'<a href="([^"]+)" rel="prev">', page2)
    assert link
    params = dict(parse_qsl(urlsplit(link.group(1).replace("&amp;", "&")).query))
    assert params == {"page": "1", "modes": "live_online"}
    assert re.search(r"In person <span class=\"count\">\(\d+\)</span>", html)


@pytest.mark.parametrize(
    "query",
    [
        "q=<script>alert(1)</script>",
        'near="><script>alert(1)</script>',
        "max_price=<script>alert(1)</script>",
        "state=<script>alert(1)</script>",
        "techniques=<script>alert(1)</script>",
        "providers=<script>alert(1)</script>",
        "date_from=<script>alert(1)</script>",
    ],
)
def test_hostile_input_is_escaped(client: TestClient, query: str) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code in (200, 400, 422)
    assert "<script>alert(1)</script>" not in response.text
    assert (
        "alert(1)" not in response.text or "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    )


def test_invalid_filter_is_reported_on_its_field(client: TestClient) -> None:
    response = client.get("/?q=sciatica&max_price=abc")
    assert response.status_code == 422
    html = response.text
    assert 'id="max_price"' in html
    assert re.search(
        r'id="max_price"[^>]*aria-invalid="true" aria-describedby="err-max_price"', html
    )
    assert 'id="err-max_price"' in html
    assert 'value="abc"' in html
    unknown_zip = client.get("/?near=00000&radius=25")
    assert unknown_zip.status_code == 400
    assert 'id="err-near"' in unknown_zip.text


def test_course_page(client: TestClient) -> None:
    html = client.get(SEARCH).text
    course_id = _ids(html, r'href="/courses/(\d+)"')[0]
    response = client.get(f"/courses/{course_id}")
    assert response.status_code == 200
    page = response.text
    assert_page_basics(page)
    for heading in (
        "About this course",
        "What this course covers",
        "Prerequisites",
        "Approvals",
        "Sessions",
    ):
        assert f">{heading}</h2>" in page, heading
    assert "<dt>Techniques</dt>" in page
    assert "<dt>Conditions</dt>" in page
    assert "<strong>About:</strong>" in page
    assert "Sample data" in page
    assert re.search(r'href="/providers/\d+"', page)
    assert re.search(r'href="/kb/conditions/sciatica"', page)
    # the cautions of what the course covers, each with its source
    assert ">Cautions for what this course covers</h2>" in page
    cautions = page.split(">Cautions for what this course covers</h2>")[1].split("</section>")[0]
    assert "<strong>Red flag:</strong>" in cautions
    assert "(source: <a href=" in cautions
    session_ids = _ids(page, r'id="session-(\d+)"')
    assert session_ids
    assert f'href="/sessions/{session_ids[0]}.ics"' in page
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    import json

    document = json.loads(blocks[0])
    assert document["@type"] == "Course"
    assert document["hasCourseInstance"]


def test_session_calendar_file(client: TestClient) -> None:
    import icalendar

    html = client.get(SEARCH).text
    ics_path = re.findall(r'href="(/sessions/\d+\.ics)"', html)[0]
    response = client.get(ics_path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert event.get("summary")
    start = event.decoded("dtstart")
    assert start.tzinfo is not None
    assert "Tampa" in str(event.get("location")) or "Petersburg" in str(event.get("location"))
    assert list(calendar.walk("VTIMEZONE")), "time zone definition included"
    session_id = ics_path.split("/")[-1].removesuffix(".ics")
    assert client.get(f"/sessions/{session_id}", follow_redirects=False).status_code == 303
    assert client.get("/sessions/999999.ics").status_code == 404


def test_self_paced_session_has_no_calendar(client: TestClient) -> None:
    hits = client.get(
        "/api/v1/search", params={"modes": "self_paced_online", "facets": "false"}
    ).json()["results"]
    undated = [h for h in hits if h["session"]["start_date"] is None]
    assert undated
    assert client.get(f"/sessions/{undated[0]['session']['id']}.ics").status_code == 404


def test_provider_and_program_pages(client: TestClient) -> None:
    page = client.get("/providers/1")
    assert page.status_code == 200
    assert_page_basics(page.text)
    assert ">Approvals</h2>" in page.text
    assert "Sample data" in page.text
    program_ids = _ids(page.text, r'href="/programs/(\d+)"')
    assert program_ids
    program = client.get(f"/programs/{program_ids[0]}")
    assert program.status_code == 200
    assert_page_basics(program.text)
    assert "Structure" in program.text
    assert "CE hours of its courses in our catalog" in program.text
    api = client.get(f"/api/v1/programs/{program_ids[0]}").json()
    titles = [c["course"]["title"] for g in api["groups"] for c in g["courses"]]
    positions = [program.text.find(t.replace("&", "&amp;")) for t in titles]
    assert all(p > 0 for p in positions)
    assert positions == sorted(positions), "courses in order"
    for path in ("/providers/999999", "/programs/999999", "/courses/999999", "/nope"):
        missing = client.get(path)
        assert missing.status_code == 404
        assert "text/html" in missing.headers["content-type"]


def test_knowledge_pages(client: TestClient) -> None:
    condition = client.get("/kb/conditions/sciatica")
    assert condition.status_code == 200
    html = condition.text
    assert_page_basics(html)
    for heading in ("Techniques that may help", "Cautions", "Sources", "Matching courses"):
        assert f">{heading}</h2>" in html, heading
    assert re.search(r'href="/kb/techniques/[a-z0-9-]+"', html)
    assert re.search(r'href="/courses/\d+"', html)
    technique_id = re.findall(r'href="/kb/techniques/([a-z0-9-]+)"', html)[0]
    technique = client.get(f"/kb/techniques/{technique_id}")
    assert technique.status_code == 200
    assert ">Sources</h2>" in technique.text
    pathways = client.get("/kb/pathways")
    first = re.findall(r'href="/kb/pathways/([a-z0-9-]+)"', pathways.text)[0]
    pathway = client.get(f"/kb/pathways/{first}")
    assert pathway.status_code == 200
    assert_page_basics(pathway.text)
    assert ">Sources</h2>" in pathway.text
    for path in ("/kb", "/kb/jurisdictions/FL", "/kb/categories", "/kb/competencies"):
        assert client.get(path).status_code == 200, path
    assert client.get("/kb/conditions/nope").status_code == 404
    assert client.get("/kb/unicorns/x").status_code == 404


def test_a_body_region_page_lists_the_courses_read_as_working_on_it(client: TestClient) -> None:
    """The sample's 'Clinical Massage for Sciatica' is about sciatica, which the KB places in
    the low back (among others): the low back's page lists it, and names its conditions in
    words (no KB ids)."""
    html = client.get("/kb/regions/low-back").text
    assert_page_basics(html)
    assert "Clinical Massage for Sciatica" in html
    assert "Low back pain, Sciatica" in html
    assert "low-back-pain" not in html
    api = client.get("/api/v1/kb/regions/low-back")
    assert api.status_code == 200
    assert "sciatica" in api.json()["entry"]["conditions"]


def test_jurisdiction_page_shows_each_rule_with_its_source(client: TestClient) -> None:
    """Florida's page says, in words, what R. 64B7-28.009 says and links the section."""
    html = client.get("/kb/jurisdictions/FL").text
    assert_page_basics(html)
    assert "The rules, fact by fact" in html
    assert "CE cycle</strong>: 24 months, ending on 31 August of odd years" in html
    assert "First renewal</strong>: its own rules (below)" in html
    assert "1 h per month or partial month licensed" in html
    assert "R. 64B7-28.009(3)" in html
    assert "administrative rule, confidence" in html
    assert "state:FL" not in html
    assert "in_person" not in html
    kansas = client.get("/kb/jurisdictions/KS").text
    assert "asks no continuing education of massage therapists" in kansas


def test_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/v1/kb/conditions", "/static/app.css", "/nope"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    html = client.get("/kb").text
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html)
    assert css
    assert "immutable" in client.get(css.group(1)).headers["cache-control"]


def test_words_that_find_nothing_are_read_as_a_complaint(client: TestClient) -> None:
    """'can't lift my arm over my head' is how clients describe a frozen shoulder (the KB's
    own lay phrase for it) and names no course: the page searches for frozen shoulder
    instead, says so, and offers the literal words, which no course holds all of."""
    words = "can't lift my arm over my head"
    page = client.get("/", params={"q": words})
    assert page.status_code == 200
    expected = client.get(
        "/api/v1/search", params={"conditions": "frozen-shoulder", "group_by_course": "true"}
    ).json()
    assert expected["total"] > 0
    assert f"{expected['total']} course{'s' if expected['total'] != 1 else ''} found" in page.text
    assert "Showing courses for Frozen shoulder, as read from" in page.text
    assert "Search for the exact words instead" in page.text
    literal = client.get("/", params={"q": words, "literal": "1"})
    assert "Showing courses for" not in literal.text
    # no course holds every word as written: the page says so before the partial matches
    assert "No course mentions all of" in html.unescape(literal.text)
    nonsense = client.get("/", params={"q": "qwzx blorf"})
    assert "0 courses found" in nonsense.text
    assert "Showing courses for" not in nonsense.text


def test_one_card_per_course_unless_every_session_is_asked_for(client: TestClient) -> None:
    """The default page showed one weekend course as three cards. Now a course is one card
    that says how many more of its sessions match; 'Every session' shows them all."""
    grouped = client.get("/api/v1/search", params={"group_by_course": "true", "per_page": 50})
    flat = client.get("/api/v1/search", params={"per_page": 1})
    courses, sessions = grouped.json(), flat.json()
    assert sessions["total"] > courses["total"] > 0
    page = client.get("/").text
    assert f"{courses['total']} courses found" in page
    repeated = next(c for c in courses["courses"] if c["sessions_matching"] > 1)
    more = repeated["sessions_matching"] - 1
    label = "session" if more == 1 else "sessions"
    assert (
        f"{more} more {label} of this course</a> match your search."
        in client.get("/", params={"per_page": 50}).text
    )
    every = client.get("/", params={"group_by_course": "false"}).text
    assert f"{sessions['total']} sessions found" in every
    assert '<option value="false" selected>Every session</option>' in every


def test_provider_and_program_directories(client: TestClient) -> None:
    """/providers and /programs were 404. They list every provider and program by name,
    with a name filter; each row links to its page."""
    providers = client.get("/providers")
    assert providers.status_code == 200
    listed = re.findall(r'<li><a href="/providers/(\d+)">([^<]+)</a>', providers.text)
    api = client.get("/api/v1/search", params={"per_page": 1}).json()
    assert api["total"] > 0
    names = [html.unescape(n) for _, n in listed]
    assert len(names) >= 2
    assert names == sorted(names, key=str.lower)
    first_id, first_name = listed[0]
    assert client.get(f"/providers/{first_id}").status_code == 200
    word = html.unescape(first_name).split()[0]
    narrowed = client.get("/providers", params={"q": word}).text
    assert f"with “{word}” in the name" in narrowed
    assert all(
        word.lower() in html.unescape(n).lower()
        for n in re.findall(r'<li><a href="/providers/\d+">([^<]+)</a>', narrowed)
    )
    programs = client.get("/programs")
    assert programs.status_code == 200
    program_links = re.findall(r'<li><a href="/programs/(\d+)">', programs.text)
    assert program_links
    assert client.get(f"/programs/{program_links[0]}").status_code == 200
    assert client.get("/providers", params={"q": "zzqqxx"}).text.count("/providers/") == 0
    assert client.get("/providers", params={"page": "0"}).status_code == 422


def test_a_program_page_explains_its_hours_and_gives_a_price(
    fresh_client: TestClient, engine: Engine
) -> None:
    """A program page showed 'Total hours 150' beside 'CE hours of the required courses 131'
    with no word on why, and no price. Each figure now says what it is, the difference is
    explained, and the course fees are the required courses at their cheapest upcoming
    sessions (for 'choose N' groups, the N cheapest), worked out here from the sessions."""
    import datetime as dt
    from decimal import Decimal

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ceatlas.catalog.models import Course, CourseSession, Program

    today = dt.date.today()
    with Session(engine) as db:
        program = next(p for p in db.scalars(select(Program).order_by(Program.id)) if p.total_hours)
        cheapest: dict[str, Decimal] = {}
        for key, price, currency, start in db.execute(
            select(
                Course.key, CourseSession.price, CourseSession.currency, CourseSession.start_date
            ).join(Course)
        ):
            if price is None or (currency or "USD") != "USD" or (start and start < today):
                continue
            cheapest[key] = min(price, cheapest.get(key, price))
        expected = Decimal(0)
        for group in program.structure:
            prices = sorted(cheapest[k] for k in group["courses"] if k in cheapest)
            expected += sum(prices[: group.get("choose") or len(prices)], Decimal(0))
        program_id, total = program.id, program.total_hours
    assert total is not None
    data = fresh_client.get(f"/api/v1/programs/{program_id}").json()
    assert Decimal(data["price_from"]) == expected
    page = fresh_client.get(f"/programs/{program_id}").text
    assert f"{total.normalize():f} hours, as the school publishes them" in page
    assert "Course fees" in page
    if Decimal(data["course_hours"]) != total:
        assert "a program's total can include clinic practice, exams" in page


def test_several_conditions_can_be_chosen_at_once(client: TestClient) -> None:
    """Technique and condition filters took one value. Now both are multiple-choice lists:
    two conditions find the sessions of courses about either (as the API does), and both
    stay selected."""
    both = client.get(
        "/api/v1/search",
        params=[("conditions", "sciatica"), ("conditions", "tmj-dysfunction")],
    ).json()
    one = client.get("/api/v1/search", params={"conditions": "sciatica"}).json()
    assert both["total"] > one["total"] > 0
    page = client.get(
        "/",
        params=[
            ("conditions", "sciatica"),
            ("conditions", "tmj-dysfunction"),
            ("group_by_course", "false"),
        ],
    ).text
    assert f'id="results-h">{both["total"]} sessions found' in page
    assert re.search(r'<select id="conditions" name="conditions" multiple', page)
    assert '<option value="sciatica" selected>' in page
    assert '<option value="tmj-dysfunction" selected>' in page


def test_the_page_names_the_blocking_filter_with_a_link(client: TestClient) -> None:
    """On the sample catalog: the page shows the relaxations as links that run them."""
    page = client.get(
        "/", params={"q": "cupping", "near": "Tampa, FL", "radius": "10", "modes": "in_person",
                     "max_price": "5"},
    )  # fmt: skip
    assert page.status_code == 200
    assert "Try a wider radius" not in page.text
    assert "These would find something" in page.text
    assert "at any price" in page.text


def test_subjects_and_providers_take_several_values(client: TestClient) -> None:
    """Subjects (CE categories) and providers are multiple-choice lists: courses about any
    of the chosen ones (OR within a list), and every other filter still applies (AND). The
    counts beside each choice are the API's facet counts, which leave their own list out,
    so choosing one does not make the others' counts vanish."""
    api = client.get("/api/v1/search", params={"group_by_course": "true", "per_page": "1"})
    facets = api.json()["facets"]
    categories = [f["value"] for f in facets["category"][:2]]
    providers = [f["value"] for f in facets["provider"][:2]]
    assert len(categories) == 2
    assert len(providers) == 2

    def total(**params: Any) -> int:
        body = client.get("/api/v1/search", params={"group_by_course": "true", **params})
        return int(body.json()["total"])

    one, other = total(categories=categories[0]), total(categories=categories[1])
    both = total(categories=",".join(categories))
    assert max(one, other) <= both <= one + other
    page = client.get("/", params=[("categories", c) for c in categories])
    assert f"{both} course{'s' if both != 1 else ''} found" in page.text
    for value in categories:
        assert f'<option value="{value}" selected>' in page.text
    by_two = total(providers=",".join(providers))
    assert by_two == total(providers=providers[0]) + total(providers=providers[1])
    page = client.get("/", params=[("providers", p) for p in providers])
    assert f"{by_two} course" in page.text
    for value in providers:
        assert f'value="{value}" selected' in page.text
    chosen = client.get("/api/v1/search", params={"categories": categories[0]}).json()
    counts = {f["value"]: f["count"] for f in chosen["facets"]["category"]}
    assert counts[categories[1]] > 0  # the other subject still shows what it would add
