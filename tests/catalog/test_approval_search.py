""" "Counts for my state" in search: a declared approval still finds the course, and the
reason says it is the provider's word; a rejected or expired one no longer does. Both
execution paths (SQL and the in-memory accelerator) agree.

Hand working (FL.yaml): Florida accepts ``state:FL``; the only approval of the course
below is ``state:FL:MCE9999`` (its provider has none), so the course is found for FL while
the claim is declared or verified and not once it is rejected or expired.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ceatlas.catalog.approval_review import list_claims, review
from ceatlas.catalog.service import Catalog
from ceatlas.kb import load_kb
from ceatlas.search import SearchQuery
from ceatlas.search.service import SearchService

KB = load_kb()
TODAY = dt.date(2026, 11, 23)
TITLE = "Gulf Hot Stone Basics"


def _florida(catalog: Catalog, accelerate: bool) -> list[list[str]]:
    query = SearchQuery(q="hot stone", state="FL", per_page=50)
    result = SearchService(catalog.engine, KB, accelerate=accelerate).search(query, TODAY)
    return [h.explanation.counts_for for h in result.results if h.course.title == TITLE]


@pytest.mark.parametrize("verdict", ["reject", "expire"])
def test_state_filter_reads_the_claims_status(
    catalog: Catalog, tmp_path: Path, verdict: str
) -> None:
    path = tmp_path / "gulf.csv"
    path.write_text(
        "provider_key,provider_name,course_key,title,ce_hours,course_approvals,session_key,"
        "mode,start_date,price,currency\n"
        "https://gulf.example/,Gulf School,https://gulf.example/c/1,Gulf Hot Stone Basics,3,"
        "state:FL:MCE9999,https://gulf.example/s/1,live_online,2027-02-06,120,USD\n"
    )
    catalog.import_paths([path])
    for accelerate in (False, True):
        assert _florida(catalog, accelerate) == [
            [
                "FL state-approved course MCE9999, accepted by FL; "
                "declared by the provider, not yet checked"
            ]
        ]
    (claim,) = list_claims(catalog.engine, KB)
    review(catalog.engine, KB, claim.ref, "verify", "found in the board's lookup", "admin")
    for accelerate in (False, True):
        assert _florida(catalog, accelerate) == [
            ["FL state-approved course MCE9999, accepted by FL; verified"]
        ]
    review(catalog.engine, KB, claim.ref, verdict, "not in the board's lookup", "admin")
    for accelerate in (False, True):
        assert _florida(catalog, accelerate) == []
