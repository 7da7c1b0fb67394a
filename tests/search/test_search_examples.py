"""Example searches on the sample catalog: every filter kind and the text features."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from ceatlas.catalog.service import Catalog
from ceatlas.kb import load_kb
from ceatlas.search import SearchError, SearchQuery, SearchResult, search

KB = load_kb()
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def sample(catalog: Catalog, engine: Engine) -> Engine:
    catalog.load_sample(TODAY)
    return engine


def run(engine: Engine, **params: object) -> SearchResult:
    return search(engine, SearchQuery.model_validate({"per_page": 100, **params}), KB, TODAY)


def titles(result: SearchResult) -> set[str]:
    return {h.course.title for h in result.results}


def test_weekend_sciatica_near_tampa_under_400(sample: Engine) -> None:
    result = run(sample, q="sciatica", near="Tampa, FL", radius=50, days="weekend", max_price=400)
    assert result.total > 0
    for hit in result.results:
        assert hit.session.price is not None
        assert hit.session.price <= 400
        if hit.session.mode not in ("self_paced_online", "live_online"):
            assert hit.distance_miles is not None
            assert hit.distance_miles <= 50
            assert "from Tampa, FL" in (hit.explanation.distance or "")
    assert any(h.session.city == "Tampa" for h in result.results)
    assert "sciatica → Piriformis syndrome (related condition)" in result.interpretation.expansions


def test_austin_by_zip_and_km(sample: Engine) -> None:
    result = run(sample, q="sciatica", near="78701", radius=80, unit="km", modes="in_person")
    assert result.total > 0
    assert result.place is not None
    assert "Austin" in result.place.label
    assert all((h.distance_km or 0) <= 80 for h in result.results)


def test_stemming_and_synonyms_and_abbreviations(sample: Engine) -> None:
    plural = run(sample, q="headaches")
    singular = run(sample, q="headache")
    assert plural.total == singular.total > 0
    mld = run(sample, q="MLD")
    assert any("Lymph" in t for t in titles(mld))
    assert any("abbreviation" in e or "name" in e for e in mld.interpretation.expansions)


def test_sciatica_expands_to_piriformis(sample: Engine) -> None:
    sciatica = run(sample, q="sciatica")
    piriformis = run(sample, q="piriformis")
    # every course teaching piriformis syndrome shows up for "sciatica" too
    assert {h.course.id for h in piriformis.results} <= {h.course.id for h in sciatica.results}
    explained = [e for h in sciatica.results for e in h.explanation.expansions]
    assert any("piriformis" in e.lower() for e in explained)


@pytest.mark.parametrize(("typo", "fixed"), [("sciatca", "sciatica"), ("myofacial", "myofascial")])
def test_typo_tolerance(sample: Engine, typo: str, fixed: str) -> None:
    corrected = run(sample, q=typo)
    exact = run(sample, q=fixed)
    assert corrected.total == exact.total > 0
    assert corrected.interpretation.corrections == [f"{typo} → {fixed} (spelling)"]


def test_a_typo_is_corrected_to_the_word_that_makes_a_kb_term_with_its_neighbour(
    sample: Engine,
) -> None:
    """'pont' is one edit from both 'post' and 'point'; beside 'trigger' only 'point' makes a
    KB term (trigger point therapy). It was corrected to 'post', the shorter word."""
    corrected = run(sample, q="trigger pont")
    exact = run(sample, q="trigger point")
    assert corrected.interpretation.corrections == ["pont → point (spelling)"]
    assert corrected.total == exact.total > 0


def test_correct_words_are_not_corrected(sample: Engine) -> None:
    """'capsulitis' is the KB's own word (adhesive capsulitis, frozen shoulder), written
    with its final s; it was "corrected" to 'capsuliti', the KB's stored form. 'gout' is
    one edit from 'out', a word the search ignores; it was corrected into it."""
    assert run(sample, q="adhesive capsulitis").interpretation.corrections == []
    gout = run(sample, q="gout")
    assert all("→ out" not in c for c in gout.interpretation.corrections)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unbalanced',
        "massage AND OR NOT NEAR(a b) * ^ : -",
        "((((",
        "title:massage",
        "🙂🙂 massage 🙂",
        "x" * 10_000,
        "massage " * 2_000,
        "\x00\x01 drop table course; --",
        "NEAR/2 ^start *prefix",
    ],
)
def test_hostile_text_never_raises(sample: Engine, text: str) -> None:
    result = run(sample, q=text)
    assert result.total >= 0


def test_schedule_filters(sample: Engine) -> None:
    window = run(sample, date_from="2027-03-01", date_to="2027-03-31", include_self_paced=False)
    assert window.total > 0
    for hit in window.results:
        assert hit.session.start_date is not None
        assert dt.date(2027, 3, 1) <= hit.session.start_date <= dt.date(2027, 3, 31)
    with_self_paced = run(sample, date_from="2027-03-01", date_to="2027-03-31")
    assert with_self_paced.total > window.total
    evening = run(sample, time_of_day="evening", include_self_paced=False)
    assert evening.total > 0
    assert all(h.session.start_time and h.session.start_time.hour >= 17 for h in evening.results)
    weekdays = run(
        sample, days="monday,tuesday,wednesday,thursday,friday", include_self_paced=False
    )
    assert all(
        not any(d in ("Saturday", "Sunday") for m in h.session.meeting_pattern for d in m["days"])
        for h in weekdays.results
    )


def test_modes_budget_hours_and_seats(sample: Engine) -> None:
    live = run(sample, modes="live_online,hybrid")
    assert {h.session.mode for h in live.results} <= {"live_online", "hybrid"}
    cheap = run(sample, max_price=100)
    assert all(h.session.price is not None and h.session.price <= 100 for h in cheap.results)
    assert run(sample, max_price=100, currency="EUR").total < cheap.total
    hours = run(sample, min_hours=10, max_hours=16)
    assert all(Decimal(10) <= (h.course.ce_hours or 0) <= 16 for h in hours.results)
    seats = run(sample, min_seats=5, registration_open=True)
    for hit in seats.results:
        assert hit.session.seats_remaining is None or hit.session.seats_remaining >= 5
        deadline = hit.session.registration_deadline
        assert deadline is None or deadline >= TODAY


def test_course_attribute_filters(sample: Engine) -> None:
    technique = run(sample, techniques="MLD")
    assert technique.total > 0
    assert all("manual-lymph-drainage" in h.course.techniques for h in technique.results)
    condition = run(sample, conditions="sciatica")
    assert all("sciatica" in h.course.conditions for h in condition.results)
    level = run(sample, levels="advanced")
    assert level.total > 0
    assert all(h.course.level == "advanced" for h in level.results)
    category = run(sample, categories="ethics")
    assert category.total > 0
    assert all("ethics" in h.course.ce_categories for h in category.results)
    competency = run(sample, competencies="anatomy")
    assert competency.total > 0
    pathway = run(sample, pathway="oncology-massage")
    assert pathway.total > 0
    some = pathway.results[0].course.provider_name
    assert some is not None
    provider = run(sample, providers=some)
    assert provider.total > 0
    assert all(h.course.provider_name == some for h in provider.results)
    assert run(sample, languages="en").total == run(sample).total


def test_jurisdiction_explains_why(sample: Engine) -> None:
    florida = run(sample, state="FL")
    assert 0 < florida.total < run(sample).total
    for hit in florida.results:
        assert hit.explanation.counts_for
        assert all("accepted by FL" in reason for reason in hit.explanation.counts_for)
    unknown = run(sample, state="AL")
    assert unknown.total == 0
    assert unknown.warnings


def test_grouping_pagination_and_sorting(sample: Engine) -> None:
    grouped = search(sample, SearchQuery(q="sciatica", group_by_course=True, per_page=5), KB, TODAY)
    assert len(grouped.courses) == 5
    assert grouped.total >= 5
    assert all(c.sessions_matching >= len(c.sessions) > 0 for c in grouped.courses)
    first = search(sample, SearchQuery(per_page=10, page=1), KB, TODAY)
    second = search(sample, SearchQuery(per_page=10, page=2), KB, TODAY)
    assert not {h.session.id for h in first.results} & {h.session.id for h in second.results}
    far = search(sample, SearchQuery(page=1000), KB, TODAY)
    assert far.results == []
    assert far.total == first.total
    near = run(sample, near="tampa-fl", sort="distance", modes="in_person")
    distances = [h.distance_miles for h in near.results]
    assert distances == sorted(d for d in distances if d is not None)
    value = run(sample, sort="hours_per_dollar", max_price=500)
    assert value.results[0].session.price is not None


def test_facets_apply_the_other_filters(sample: Engine) -> None:
    result = run(sample, modes="in_person", q="massage")
    modes = {f.value: f.count for f in result.facets["mode"]}
    assert set(modes) > {"in_person"}  # the mode facet ignores the mode filter
    assert modes["in_person"] == result.total
    assert sum(f.count for f in result.facets["price"]) == result.total
    assert sum(f.count for f in result.facets["month"]) == result.total
    assert sum(f.count for f in result.facets["state"]) == result.total
    assert {"technique", "condition", "provider", "ce_hours"} <= set(result.facets)


def test_unknown_place_is_an_error(sample: Engine) -> None:
    with pytest.raises(SearchError):
        run(sample, near="Atlantis, ZZ", radius=10)


def test_index_follows_every_write_path(sample: Engine, catalog: Catalog) -> None:
    with sample.begin() as conn:
        conn.execute(sa.text("UPDATE provider SET name = 'Quokkaland Institute' WHERE id = 1"))
        conn.execute(sa.text("UPDATE course SET title = 'Walrus Wellness Intensive' WHERE id = 2"))
    assert run(sample, q="quokkaland").total > 0
    assert {h.course.id for h in run(sample, q="walrus").results} == {2}
    with sample.begin() as conn:
        conn.execute(sa.text("DELETE FROM course_session WHERE course_id = 2"))
        conn.execute(sa.text("DELETE FROM course_approval WHERE course_id = 2"))
        conn.execute(sa.text("DELETE FROM course WHERE id = 2"))
    assert run(sample, q="walrus").total == 0


def test_query_from_flat_params() -> None:
    query = SearchQuery.from_params(
        [("modes", "in_person"), ("modes", "live_online,hybrid"), ("days", "weekend"), ("q", "x")]
    )
    assert query.modes == ["in_person", "live_online", "hybrid"]
    assert query.days == ["saturday", "sunday"]
    with pytest.raises(ValueError, match="per_page"):
        SearchQuery(per_page=101)
    with pytest.raises(ValueError, match="lat and lon"):
        SearchQuery(lat=10)


def test_a_typo_in_some_course_text_does_not_stop_the_correction(
    sample: Engine, catalog: Catalog
) -> None:
    """A provider who wrote 'myofascal' in a description makes the word appear in the
    catalog, but it is one edit from the KB's 'myofascial': the KB wins, so a therapist
    typing 'myofascal' still finds the myofascial release courses."""
    catalog.import_documents(
        [
            {
                "@context": "https://schema.org",
                "@type": "Course",
                "@id": "https://typo.example/c1",
                "name": "Gentle bodywork",
                "description": "We touch on myofascal work for tight hips.",
                "provider": {
                    "@type": "Organization",
                    "name": "Typo School",
                    "url": "https://typo.example",
                },
            }
        ],
        "test",
    )
    corrected = run(sample, q="myofascal")
    assert corrected.interpretation.corrections == ["myofascal → myofascial (spelling)"]
    assert corrected.total == run(sample, q="myofascial").total > 0


@pytest.mark.parametrize("accelerate", [True, False])
def test_a_session_that_has_started_is_not_shown_unless_asked_for(
    sample: Engine, accelerate: bool
) -> None:
    """A provider publishes a session dated three days ago: it was the first result of the
    default page for every visitor. Without a first date, a search starts today; a query
    that gives an earlier first date still finds it. Both execution paths agree."""
    from ceatlas.catalog.models import CourseSession
    from ceatlas.search.service import SearchService

    with sample.begin() as conn:
        sid = conn.execute(
            sa.select(CourseSession.id).where(CourseSession.start_date.is_not(None)).limit(1)
        ).scalar_one()
        started = TODAY - dt.timedelta(days=3)
        conn.execute(
            sa.update(CourseSession)
            .where(CourseSession.id == sid)
            .values(start_date=started, end_date=started)
        )
    service = SearchService(sample, KB, accelerate=accelerate, cached_answers=0)

    def ids(**params: object) -> set[int]:
        query = SearchQuery.model_validate({"per_page": 100, "sort": "start_date", **params})
        result = service.search(query, TODAY)
        assert result.total <= 100 or result.results
        return {h.session.id for h in result.results}

    assert sid not in ids()
    assert sid not in ids(date_to=(TODAY + dt.timedelta(days=30)).isoformat())
    assert sid in ids(date_from=(TODAY - dt.timedelta(days=7)).isoformat())
    upcoming = service.search(SearchQuery(per_page=1, sort="start_date"), TODAY)
    assert upcoming.results[0].session.start_date is None or (
        upcoming.results[0].session.start_date >= TODAY
    )
