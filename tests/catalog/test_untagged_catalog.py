"""The issue's test of course understanding: an untagged catalog answers condition and
technique filters, recommendations and plans at least as well as a tagged one answered by
its tags, scored against the labelled set (tests/catalog/reader_set), never against the
program's own output. Runs on its own SQLite files through the public entry points."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceatlas.kb import load_kb
from ceatlas.quality.untagged import Outcome, evaluate

SET = Path(__file__).parent / "reader_set"


@pytest.fixture(scope="module")
def results() -> dict[str, Outcome]:
    return evaluate(load_kb(), SET)


def test_tags_alone_find_nothing_in_an_untagged_catalog(results: dict[str, Outcome]) -> None:
    before = results["untagged/tags"]
    assert all(s.hit == 0 for s in before.filters.values())
    assert before.recommend.none_found == before.recommend.caseloads
    assert before.plans is not None
    assert before.plans.feasible == 0


def test_untagged_filters_find_at_least_what_tags_found(results: dict[str, Outcome]) -> None:
    now, tagged = results["untagged/reader"], results["tagged/tags"]
    for kind in ("conditions", "techniques"):
        assert now.filters[kind].recall >= tagged.filters[kind].recall, kind


def test_untagged_recommendations_and_plans_match_a_tagged_catalog(
    results: dict[str, Outcome],
) -> None:
    now, tagged = results["untagged/reader"], results["tagged/tags"]
    assert now.recommend.first_covers >= tagged.recommend.first_covers
    assert now.recommend.top3_covering >= tagged.recommend.top3_covering
    assert now.plans is not None
    assert tagged.plans is not None
    assert now.plans.all_courses_teach_it >= tagged.plans.all_courses_teach_it
