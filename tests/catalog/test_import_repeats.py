"""A course described twice in one import is merged, not replaced; across imports the
newest description is the truth."""

from __future__ import annotations

from typing import Any

from ceatlas.catalog.importer import BATCH_RECORDS
from ceatlas.catalog.service import Catalog
from conftest import canonical

CONTEXT = ["https://schema.org/", {"ce": "https://w3id.org/ceatlas/ns#"}]
PROVIDER = {
    "@type": "Organization",
    "@id": "https://school.example/",
    "name": "Gulf Coast School of Massage",
}


def course(ident: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, "@type": "Course", "@id": ident, "name": name, **fields}


def technique(name: str) -> dict[str, Any]:
    return {
        "@type": "DefinedTerm",
        "name": name,
        "inDefinedTermSet": "https://w3id.org/ceatlas/kb/techniques",
    }


FULL = course(
    "https://school.example/courses/mld",
    "Manual Lymph Drainage I",
    description="Vodder-based lymph drainage for post-surgical clients.",
    provider=PROVIDER,
    teaches=[technique("manual-lymph-drainage")],
    **{"ce:approval": [{"@type": "ce:Approval", "ce:authority": "NCBTMB", "identifier": "123-45"}]},
)
CREDENTIAL_ONLY = course(
    "https://school.example/courses/mld",
    "Manual Lymph Drainage I",
    educationalCredentialAwarded="Certificate in Manual Lymph Drainage",
    teaches=[technique("scar-tissue-mobilization")],
)


def _row(catalog: Catalog) -> dict[str, Any]:
    rows = {c["course"]["key"]: c for c in canonical(catalog.engine)}
    found: dict[str, Any] = rows["https://school.example/courses/mld"]
    return found


def _assert_merged(catalog: Catalog) -> None:
    """Both records' facts are there: nothing the first one said was lost."""
    row = _row(catalog)
    assert row["course"]["description"] == FULL["description"]
    assert row["course"]["credential_awarded"] == "Certificate in Manual Lymph Drainage"
    assert row["course"]["techniques"] == ["manual-lymph-drainage", "scar-tissue-mobilization"]
    assert row["provider"]["name"] == PROVIDER["name"]
    assert [a["number"] for a in row["course"]["approvals"]] == ["123-45"]


def test_repeat_in_the_same_batch_is_merged(catalog: Catalog) -> None:
    report = catalog.import_documents([FULL, CREDENTIAL_ONLY], "page")
    assert report.problems == []
    assert len(report.merged) == 1
    assert report.merged[0].startswith("page, script 2, record 1: https://school.example/")
    _assert_merged(catalog)


def test_repeat_after_the_earlier_record_was_written_is_merged(catalog: Catalog) -> None:
    """Enough records in between that the first one is already in the database."""
    filler = [
        course(f"https://school.example/courses/f{i}", f"Filler {i}", provider=PROVIDER)
        for i in range(BATCH_RECORDS + 5)
    ]
    report = catalog.import_documents([FULL, *filler, CREDENTIAL_ONLY], "feed")
    assert report.problems == []
    assert len(report.merged) == 1
    _assert_merged(catalog)


def test_a_later_import_replaces(catalog: Catalog) -> None:
    catalog.import_documents([FULL], "first")
    report = catalog.import_documents([CREDENTIAL_ONLY], "second")
    assert report.merged == []
    row = _row(catalog)
    assert row["course"]["description"] is None
    assert row["course"]["techniques"] == ["scar-tissue-mobilization"]
    assert row["course"]["credential_awarded"] == "Certificate in Manual Lymph Drainage"
