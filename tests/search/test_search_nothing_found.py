"""When nothing matches, the answer says why and which change finds something.

The catalog is two courses written for the test, with the counts worked by hand:

- "Cupping for Athletes": one in-person session in Tampa, FL at $300, one live online
  session at $150.
- "Hot Stone Basics": one in-person session in Miami, FL (about 205 mi from Tampa) at $80.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from ceatlas.catalog.service import Catalog
from ceatlas.kb import KnowledgeBase, load_kb
from ceatlas.recommend import LexicalMatcher
from ceatlas.recommend.query import understood_search
from ceatlas.search import SearchQuery, SearchResult, search

TODAY = dt.date(2026, 11, 23)
DAY = (TODAY + dt.timedelta(days=30)).isoformat()
SCHOOL = {"@type": "Organization", "name": "Bay Bodywork School", "url": "https://bay.example"}


def _session(key: str, price: str, place: dict[str, Any] | None) -> dict[str, Any]:
    session: dict[str, Any] = {
        "@id": f"https://bay.example/sessions/{key}",
        "startDate": f"{DAY}T09:00:00-05:00",
        "endDate": f"{DAY}T17:00:00-05:00",
        "offers": {"@type": "Offer", "price": price, "priceCurrency": "USD"},
    }
    if place is None:
        session["courseMode"] = "online"
    else:
        session["courseMode"] = "onsite"
        session["location"] = {"@type": "Place", "address": place}
    return session


def _course(slug: str, title: str, description: str, *sessions: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": f"https://bay.example/courses/{slug}",
        "name": title,
        "description": description,
        "provider": SCHOOL,
        "timeRequired": "PT8H",
        "hasCourseInstance": list(sessions),
    }


TAMPA = {"addressLocality": "Tampa", "addressRegion": "FL", "postalCode": "33602"}
MIAMI = {"addressLocality": "Miami", "addressRegion": "FL", "postalCode": "33130"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture
def engine_with_two_courses(engine: Engine, kb: KnowledgeBase) -> Engine:
    catalog = Catalog(engine, kb)
    catalog.init()
    report = catalog.import_documents(
        [
            _course(
                "cupping",
                "Cupping for Athletes",
                "Silicone and glass cupping for sports recovery.",
                _session("cupping-tampa", "300", TAMPA),
                _session("cupping-online", "150", None),
            ),
            _course(
                "stone",
                "Hot Stone Basics",
                "Heated basalt stones in a relaxation massage.",
                _session("stone-miami", "80", MIAMI),
            ),
        ],
        "two courses",
        today=TODAY,
    )
    assert report.records_rejected == 0
    return engine


def _answer(engine: Engine, kb: KnowledgeBase, **params: Any) -> SearchResult:
    query = SearchQuery.model_validate({"group_by_course": False, **params})
    return understood_search(
        lambda: LexicalMatcher(kb), query, lambda q: search(engine, q, kb, TODAY)
    )


def test_each_filter_that_blocks_is_named_with_its_count(
    engine_with_two_courses: Engine, kb: KnowledgeBase
) -> None:
    """Cupping in person within 10 mi of Tampa up to $100: the Tampa session costs $300 and
    the online one $150, so nothing. Taken away one at a time: any price finds the Tampa
    session (1); live online too finds nothing ($150 > $100); anywhere finds nothing (both
    cupping sessions cost more than $100); without the word, the Miami stone session is
    205 mi away, so nothing. Only "at any price" is offered."""
    result = _answer(
        engine_with_two_courses, kb, q="cupping", near="Tampa, FL", radius=10,
        modes="in_person", max_price=100,
    )  # fmt: skip
    assert result.total == 0
    assert result.nothing_found is not None
    assert result.nothing_found.unmatched_words == []
    offered = {r.label: r.total for r in result.nothing_found.relaxations}
    assert offered == {"at any price": 1}
    again = _answer(
        engine_with_two_courses, kb, q="cupping", near="Tampa, FL", radius=10,
        modes="in_person", **result.nothing_found.relaxations[0].changes,
    )  # fmt: skip
    assert again.total == 1


def test_two_changes_together_when_no_single_one_finds_anything(
    engine_with_two_courses: Engine, kb: KnowledgeBase
) -> None:
    """Cupping in person within 10 mi of Miami up to $200: the Tampa session is 205 mi
    away and costs $300, the online one is not in person. One change at a time: live
    online too finds the online session ($150), so no pairs are tried; anywhere finds
    nothing ($300 > $200).

    Up to $100 instead: any price alone leaves Tampa 205 mi away, live online too or
    anywhere alone leave the prices above $100, and wider radii (20, 40 mi) reach nothing;
    only two changes together find a cupping session."""
    result = _answer(
        engine_with_two_courses, kb, q="cupping", near="Miami, FL", radius=10,
        modes="in_person", max_price=200,
    )  # fmt: skip
    assert result.nothing_found is not None
    offered = {r.label: r.total for r in result.nothing_found.relaxations}
    assert offered["with live online too"] == 1
    assert "anywhere" not in offered
    tighter = _answer(
        engine_with_two_courses, kb, q="cupping", near="Miami, FL", radius=10,
        modes="in_person", max_price=100,
    )  # fmt: skip
    assert tighter.nothing_found is not None
    pairs = {r.label: r.total for r in tighter.nothing_found.relaxations}
    assert pairs["anywhere and at any price"] == 1
    assert pairs["with live online too and at any price"] == 1
    assert all(" and " in label for label in pairs if not label.startswith("without"))


def test_words_no_course_mentions_are_named(
    engine_with_two_courses: Engine, kb: KnowledgeBase
) -> None:
    result = _answer(engine_with_two_courses, kb, q="cupping qwzx")
    assert result.nothing_found is not None
    assert result.nothing_found.unmatched_words == ["qwzx"]
    # no course holds both words; the two cupping sessions hold one of them
    assert result.some_words_only
    assert result.total == 2
    nothing = _answer(engine_with_two_courses, kb, q="blorf qwzx")
    assert nothing.total == 0
    assert nothing.nothing_found is not None
    assert nothing.nothing_found.unmatched_words == ["blorf", "qwzx"]
    found = _answer(engine_with_two_courses, kb, q="cupping")
    assert found.total == 2
    assert found.nothing_found is None


def test_everyday_words_are_read_as_the_complaint_even_when_some_text_matches(
    engine: Engine, kb: KnowledgeBase
) -> None:
    """'pain shooting down my leg' is the KB's lay phrase for sciatica in another order.
    A shin-splints course that happens to hold every one of those words ("pain shooting
    down the front of the leg") matches them as text; the sciatica course does not hold
    them. Read as the complaint, the search returns the sciatica course and says so; with
    ``literal`` it returns the shin-splints course only."""
    catalog = Catalog(engine, kb)
    catalog.init()
    catalog.import_documents(
        [
            _course(
                "shins",
                "Shin Splints in Runners",
                "Medial tibial stress: pain shooting down the front of the leg after runs; "
                "my clients call it shin pain.",
                _session("shins-online", "90", None),
            ),
            _course(
                "sciatica",
                "Sciatica: Assessment and Treatment",
                "Sciatic nerve irritation, piriformis release and neural mobilisation for "
                "sciatica clients.",
                _session("sciatica-online", "120", None),
            ),
        ],
        "two courses",
        today=TODAY,
    )
    words = "pain shooting down my leg"
    read = _answer(engine, kb, q=words, group_by_course=True)
    assert read.read_as_complaint is not None
    assert read.read_as_complaint.condition == "sciatica"
    assert [c.course.title for c in read.courses] == ["Sciatica: Assessment and Treatment"]
    literal = _answer(engine, kb, q=words, literal=True, group_by_course=True)
    assert [c.course.title for c in literal.courses] == ["Shin Splints in Runners"]
    assert literal.read_as_complaint is None


def test_when_no_course_holds_every_word_those_holding_some_come_instead(
    engine_with_two_courses: Engine, kb: KnowledgeBase
) -> None:
    """'cupping basalt': the cupping course does not mention basalt and the hot stone
    course does not mention cupping, and no filter is set, so nothing holds both words.
    Each course holds one of them, so both are shown, flagged as partial matches; a query
    whose words are all in one course is never flagged. With a filter to blame (a price
    limit below every session), the answer stays empty and names the filter instead."""
    some = _answer(engine_with_two_courses, kb, q="cupping basalt", group_by_course=True)
    assert some.some_words_only
    assert {c.course.title for c in some.courses} == {"Cupping for Athletes", "Hot Stone Basics"}
    whole = _answer(engine_with_two_courses, kb, q="cupping athletes", group_by_course=True)
    assert not whole.some_words_only
    assert [c.course.title for c in whole.courses] == ["Cupping for Athletes"]
    blocked = _answer(engine_with_two_courses, kb, q="cupping athletes", max_price=10)
    assert blocked.total == 0
    assert not blocked.some_words_only
    assert blocked.nothing_found is not None
    assert blocked.nothing_found.relaxations[0].label == "at any price"


def test_courses_mainly_about_what_the_words_name_come_first(
    engine: Engine, kb: KnowledgeBase
) -> None:
    """Two courses hold the word 'sciatica'. The relaxation course names it three times in
    passing (clients who enjoy the routine; by the course reader's rule, a mention, not its
    subject), so word counts alone rank it first. The nerve course is about sciatica (its
    description says so, once). A course mainly about what the words name comes first."""
    catalog = Catalog(engine, kb)
    catalog.init()
    catalog.import_documents(
        [
            _course(
                "relax",
                "Relaxation Massage for a Busy Practice",
                "A calm, flowing full-body routine. Clients with sciatica, migraines and "
                "anxiety all enjoy it; sciatica clients often book again; sciatica is common.",
                _session("relax-online", "90", None),
            ),
            _course(
                "nerve",
                "Nerve Entrapment in the Hip",
                "Assessment and treatment of sciatica with piriformis release.",
                _session("nerve-online", "120", None),
            ),
        ],
        "two courses",
        today=TODAY,
    )
    found = _answer(engine, kb, q="sciatica", group_by_course=True, literal=True)
    assert [c.course.title for c in found.courses] == [
        "Nerve Entrapment in the Hip",
        "Relaxation Massage for a Busy Practice",
    ]


def test_words_with_an_apostrophe_find_the_title_that_has_them(
    engine: Engine, kb: KnowledgeBase
) -> None:
    """The engines index "Can't" as two words (can, t), both stop words, while the query's
    "can't" was read as one ("cant"), so the exact words of a title missed it. A word with
    an apostrophe now matches as the engines index it: "can't" is a stop word like "can",
    and "women's" matches "women s"."""
    catalog = Catalog(engine, kb)
    catalog.init()
    catalog.import_documents(
        [
            _course(
                "arm",
                "I Can't Lift My Arm: Shoulder Mobility Clinic",
                "Hands-on techniques for a stiff shoulder.",
                _session("arm-online", "90", None),
            ),
            _course(
                "women",
                "Women's Health Massage",
                "Massage through the stages of life.",
                _session("women-online", "90", None),
            ),
        ],
        "two courses",
        today=TODAY,
    )
    for words in ("can't lift my arm", "can\u2019t lift"):
        found = _answer(engine, kb, q=words, literal=True, group_by_course=True)
        assert not found.some_words_only, words
        assert [c.course.title for c in found.courses] == [
            "I Can't Lift My Arm: Shoulder Mobility Clinic"
        ], words
    women = _answer(engine, kb, q="women's health", literal=True, group_by_course=True)
    assert not women.some_words_only
    assert [c.course.title for c in women.courses] == ["Women's Health Massage"]
