"""Every real-world markup case imports to the facts worked out by hand (see realworld/)."""

from __future__ import annotations

from typing import Any

import pytest
from realworld_check import cases, run_case  # type: ignore[import-not-found]
from sqlalchemy import Engine

from ceatlas.catalog.vocabulary import Resolver

CASES = cases()


def test_the_corpus_has_at_least_forty_cases_each_with_its_origin() -> None:
    assert len(CASES) >= 40
    assert all(c.get("origin") and c.get("licence") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_case_is_handled_right(engine: Engine, resolver: Resolver | None, case: Any) -> None:
    assert run_case(engine, resolver, case) == []
