"""The labelled search relevance set: valid, and the current search no worse than the previous.

Runs the lexical complaint matcher only (no model), on the untagged reader catalog, through
the public entry points (:mod:`ceatlas.quality.search_relevance`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ceatlas.catalog.reader_eval import load_set
from ceatlas.kb import load_kb
from ceatlas.quality.search_relevance import (
    KINDS,
    MIN_PER_KIND,
    PREVIOUS,
    Outcome,
    evaluate,
    load_queries,
    ndcg,
    problems,
)

ROOT = Path(__file__).resolve().parents[1]
READER_SET = ROOT / "catalog" / "reader_set"
QUERIES = Path(__file__).resolve().parent / "relevance_queries.yaml"
HELD_OUT = Path(__file__).resolve().parent / "relevance_heldout.yaml"
LEXICAL = "current (lexical)"


@pytest.fixture(scope="module")
def outcome() -> Outcome:
    return evaluate(load_kb(), READER_SET, QUERIES, matchers=("lexical",))


def test_query_file_is_valid() -> None:
    records = load_set(READER_SET.glob("*.yaml"))
    queries = load_queries(QUERIES)
    assert problems(queries, (str(r["id"]) for r in records)) == []
    for kind in KINDS:
        assert sum(1 for q in queries if q.kind == kind) >= MIN_PER_KIND
    assert all(g in (1, 2, 3) for q in queries for g in q.relevant.values())
    assert all(q.why for q in queries)


def test_held_out_query_file_is_valid() -> None:
    records = load_set(READER_SET.glob("*.yaml"))
    queries = load_queries(HELD_OUT)
    assert problems(queries, (str(r["id"]) for r in records)) == []
    assert {q.kind for q in queries} == set(KINDS)
    assert all(g in (1, 2, 3) for q in queries for g in q.relevant.values())
    assert not {q.q.lower() for q in queries} & {q.q.lower() for q in load_queries(QUERIES)}


def test_ndcg_is_one_for_the_ideal_order_and_zero_for_nothing_relevant() -> None:
    grades = {"a": 3, "b": 2, "c": 1}
    assert ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg(["c", "b", "a"], grades) < 1.0
    assert ndcg(["x", "y"], grades) == 0.0


def test_current_search_is_no_worse_than_previous(outcome: Outcome) -> None:
    previous, current = outcome.ways[PREVIOUS].overall, outcome.ways[LEXICAL].overall
    assert current.queries == previous.queries > 0
    assert current.ndcg >= previous.ndcg
    assert current.zero <= previous.zero
