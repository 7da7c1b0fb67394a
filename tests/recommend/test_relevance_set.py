"""The graded relevance set (tests/recommend/relevance_set.yaml): recommendations and plans
over 90 untagged courses, the previous ranking beside the new one, through the public
entry points. The set was graded by hand from the course texts; the floors below are under
today's figures (bench/relevance_eval.py reports them in full)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceatlas.kb import KnowledgeBase, load_kb
from ceatlas.quality import relevance

SET = Path(__file__).parent / "relevance_set.yaml"


@pytest.fixture(scope="module")
def outcome() -> relevance.Outcome:
    return relevance.evaluate(load_kb(), SET)


def test_the_set_is_consistent(kb: KnowledgeBase) -> None:
    data = relevance.load_set(SET)
    keys = {c["key"] for c in data["courses"]}
    assert len(keys) == len(data["courses"]) >= 90
    assert len(data["caseloads"]) >= 25
    assert len(data["pathways"]) >= 10
    for item in data["caseloads"]:
        graded = {k for k, g in item["relevance"].items() if g >= 1}
        assert graded <= keys, item["id"]
        assert set(item["embarrassing"]) <= keys, item["id"]
        assert not graded & set(item["embarrassing"]), item["id"]
    for goal in data["pathways"]:
        assert goal["pathway"] in kb.pathways, goal["id"]
        for requirement in goal["requirements"]:
            assert set(requirement["satisfied_by"]) <= keys, goal["id"]


def test_specific_ranking_beats_the_previous_one(outcome: relevance.Outcome) -> None:
    before, now = outcome.recommendations["coverage"], outcome.recommendations["specific"]
    assert now.caseloads == before.caseloads >= 25
    assert now.mean_ndcg >= before.mean_ndcg + 0.03
    assert now.mean_precision5 >= before.mean_precision5 + 0.03
    # the target: no embarrassing pick
    assert now.embarrassing == []
    assert len(before.embarrassing) >= 5
    assert now.none_found == 0


def test_plans_are_found_and_never_embarrassing_beyond_today(
    outcome: relevance.Outcome,
) -> None:
    plans = outcome.plans["standards enforced"]
    assert plans.goals >= 10
    assert plans.found >= plans.goals - 1
    assert plans.requirements_met >= 0.55 * plans.requirements
    assert len(plans.embarrassing) <= 1, plans.embarrassing
