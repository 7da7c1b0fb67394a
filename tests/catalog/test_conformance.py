"""Every schema.org example course imports, or is rejected with a precise reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ceatlas.catalog.service import Catalog
from conftest import canonical

EXAMPLES = Path(__file__).parents[1] / "fixtures" / "conformance" / "sdo-course-examples.txt"
BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _blocks() -> list[str]:
    return BLOCK.findall(EXAMPLES.read_text(encoding="utf-8"))


def test_the_example_file_has_the_expected_examples() -> None:
    assert len(_blocks()) == 7


@pytest.mark.parametrize("index", range(7))
def test_each_example_imports_or_names_its_problem(
    catalog: Catalog, tmp_path: Path, index: int
) -> None:
    path = tmp_path / f"example-{index}.jsonld"
    path.write_text(_blocks()[index], encoding="utf-8")
    report = catalog.import_paths([path])
    document = json.loads(_blocks()[index])
    if "name" not in document:
        # The first example is a Course with no name: a course without a title is not a course.
        assert report.records_imported == 0
        assert [(p.field, p.reason) for p in report.problems] == [
            ("name", "a course needs a name (its title); none was given")
        ]
        assert str(report.problems[0]).startswith(f"{path}, record 1: name:")
    else:
        assert report.problems == []
        assert report.records_imported == 1
        assert catalog.stats().courses == 1


def test_all_examples_in_one_html_page(catalog: Catalog, tmp_path: Path) -> None:
    page = tmp_path / "courses.html"
    scripts = "\n".join(f'<script type="application/ld+json">{b}</script>' for b in _blocks())
    page.write_text(f"<html><head><title>x</title></head><body>{scripts}</body></html>")
    report = catalog.import_paths([page])
    assert report.records_imported == 6
    assert [p.where for p in report.problems] == [f"{page}, line 1, script 1, record 1"]
    rows = {c["course"]["title"]: c for c in canonical(catalog.engine)}
    assert set(rows) == {
        "HNC Accounting",
        "Basic Proofreading",
        "The Data Scientist's Toolbox",
        "Physics",
    }
    proofreading = rows["Basic Proofreading"]["sessions"]
    assert [(s["mode"], str(s["price"]), s["currency"]) for s in proofreading] == [
        ("self_paced_online", "395.00", "GBP"),
        ("self_paced_online", "440.00", "GBP"),
    ]
    accounting = rows["HNC Accounting"]["sessions"]
    assert {(s["mode"], s["venue"]) for s in accounting} == {
        ("in_person", "St Brycedale Campus Kirkcaldy"),
        ("in_person", "Halbeath Campus Dunfermline"),
    }
    # The page describes HNC Accounting and Basic Proofreading twice each (e.g. sessions,
    # then only the credential): later blocks are merged into earlier ones, so the
    # description survives beside the credential, and the report says so.
    hnc = rows["HNC Accounting"]["course"]
    assert hnc["description"]
    assert hnc["credential_awarded"] == "Higher National Certificate in Accounting"
    assert [m.split(": ")[1] for m in report.merged] == [
        hnc["key"],
        rows["Basic Proofreading"]["course"]["key"],
    ]
    assert all("merged into it" in m for m in report.merged)
    toolbox = rows["The Data Scientist's Toolbox"]
    assert toolbox["provider"]["name"] == "Johns Hopkins University"
    assert toolbox["sessions"][0]["instructors"] == ["Jeff Leek, PhD"]
    physics = rows["Physics"]
    assert physics["course"]["course_code"] == "F300"
    assert physics["provider"]["name"] == "University of Bristol"
