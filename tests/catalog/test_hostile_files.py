"""Hostile and broken files: each is refused with a reason where it is, within the import
limits (catalog.limits), and the valid records beside it are still imported. The files
are generated here (tests/hostile_files.py), the largest a few megabytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ceatlas.catalog.service import Catalog
from hostile_files import deep_json, good_line, many_empty_objects, page_with_blocks


def test_six_hundred_thousand_empty_objects_are_refused_before_parsing(
    catalog: Catalog, tmp_path: Path
) -> None:
    """600,001 "{}" in one document is three times the 200,000 objects allowed: the file is
    refused with the count, not parsed, and the report holds one problem, not 600,001."""
    path = tmp_path / "flood.json"
    path.write_text(many_empty_objects(600_000))
    report = catalog.import_paths([path])
    assert len(report.problems) == 1
    reason = report.problems[0].reason
    assert reason.startswith("not read: about 600,001 JSON objects in one document")
    assert "200,000 allowed" in reason
    assert report.records_imported == 0


def test_deep_nesting_is_refused_and_the_other_lines_are_imported(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Line 2 nests 900 levels (past Python's own parser limit near 1,000 only with the
    reader's walk on top); lines 1 and 3 are valid courses and are imported."""
    path = tmp_path / "deep.ndjson"
    path.write_text(good_line(1) + "\n" + deep_json(900) + "\n" + good_line(3) + "\n")
    report = catalog.import_paths([path])
    assert [(p.where, p.reason) for p in report.problems] == [
        (
            f"{path}, line 2",
            "not read: objects and lists nested more than 64 levels deep "
            "(CEATLAS_IMPORT_MAX_DEPTH); schema.org markup needs a handful",
        )
    ]
    assert report.records_imported == 2


def test_nesting_deeper_than_pythons_parser_is_refused_not_a_crash(
    catalog: Catalog, tmp_path: Path
) -> None:
    """5,000 levels make json.loads raise RecursionError; the file is refused in words."""
    path = tmp_path / "deeper.json"
    path.write_text(deep_json(5_000))
    report = catalog.import_paths([path])
    assert report.problems[0].reason.startswith("not read: objects and lists nested more than")


def test_the_limits_come_from_the_environment(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEATLAS_IMPORT_MAX_OBJECTS", "3")
    path = tmp_path / "four.json"
    path.write_text(many_empty_objects(3))  # a list of three objects inside one object: 4
    report = catalog.import_paths([path])
    assert "more than the 3 allowed" in report.problems[0].reason


def test_a_large_script_block_is_read_whole_with_the_blocks_after_it(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A page whose first block is 12 MB of padding inside a valid document (past lxml's
    default 10 MB limit, which emptied it and dropped the blocks after it): both blocks'
    courses are imported."""
    page = tmp_path / "big.html"
    page.write_text(page_with_blocks(padding_bytes=12_000_000))
    report = catalog.import_paths([page])
    assert report.problems == []
    assert report.records_imported == 2


def test_one_bad_byte_spoils_its_own_csv_row_only(catalog: Catalog, tmp_path: Path) -> None:
    """Row 3's title holds byte 0xFF (not UTF-8): that row is refused, naming the column;
    rows 2 and 4 are imported."""
    header = "provider_key,provider_name,course_key,title\n"
    rows = [
        b"school,School,c-a,Course A\n",
        b"school,School,c-b,Course \xff B\n",
        b"school,School,c-c,Course C\n",
    ]
    path = tmp_path / "mixed.csv"
    path.write_bytes(header.encode() + b"".join(rows))
    report = catalog.import_paths([path])
    assert [(p.where, p.field, p.reason) for p in report.problems] == [
        (f"{path}, line 3", "title", "holds a byte that is not UTF-8; save the file as UTF-8")
    ]
    assert report.records_imported == 2


def test_problems_past_the_listing_limit_are_counted_by_reason(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 25 bad lines and at most 10 listed, the report lists 10 and counts the other
    15 by their reason; the CLI and the upload page say "and 15 more problems like ..."."""
    monkeypatch.setenv("CEATLAS_IMPORT_MAX_LISTED", "10")
    path = tmp_path / "bad.ndjson"
    path.write_text("\n".join(json.dumps({"@type": "Course", "name": ""}) for _ in range(25)))
    report = catalog.import_paths([path])
    assert len(report.problems) == 10
    assert report.records_rejected == 25
    assert report.not_listed_note() == [
        "and 15 more problems like 'name: a course needs a name (its title); none was given'"
    ]
