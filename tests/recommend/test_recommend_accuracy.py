"""Top-1 / top-3 accuracy on the labelled complaint set (tests/recommend/complaints.csv).

Targets (issue #7): top-3 >= 90 %, top-1 >= 75 %. Matchers and thresholds were tuned on
the ``dev`` split only; the ``heldout`` split is reported separately and must meet the
targets on its own. ``bench/recommend_eval.py`` writes the full report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ceatlas.kb import KnowledgeBase
from ceatlas.recommend import CONFIDENT, Matcher
from ceatlas.recommend.evaluation import Labelled, evaluate, load_labelled

LABELLED = Path(__file__).parent / "complaints.csv"
TOP3, TOP1 = 0.90, 0.75


@pytest.fixture(scope="module")
def rows() -> list[Labelled]:
    return load_labelled(LABELLED)


def test_labelled_set(rows: list[Labelled], kb: KnowledgeBase) -> None:
    assert len(rows) >= 300
    assert len({r.text.lower() for r in rows}) == len(rows), "duplicate phrasings"
    assert {r.kind for r in rows} == {"lay", "clinical", "typo"}
    assert {r.split for r in rows} == {"dev", "heldout"}
    assert sum(r.split == "heldout" for r in rows) >= 100
    for row in rows:
        assert row.conditions, row
        assert all(c in kb.conditions for c in row.conditions), row
    assert {c for r in rows for c in r.conditions} == set(kb.conditions)


@pytest.mark.parametrize("name", ["lexical", "embedding", "combined"])
def test_accuracy_targets(
    name: str,
    rows: list[Labelled],
    lexical: Matcher,
    embedding: Matcher,
    combined: Matcher,
) -> None:
    matcher = {"lexical": lexical, "embedding": embedding, "combined": combined}[name]
    scores = evaluate(matcher, rows, CONFIDENT)
    for group in ("all", "heldout"):
        score = scores[group]
        report = f"{name}/{group}: top-1 {score.top1_rate:.3f}, top-3 {score.top3_rate:.3f}"
        assert score.top3_rate >= TOP3, report
        assert score.top1_rate >= TOP1, report
    if name == "combined":
        # Confident readings (counted without asking) are right at least 9 times in 10.
        assert scores["all"].confident_precision >= 0.9
