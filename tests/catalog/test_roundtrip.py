"""Export then re-import gives an identical catalog (JSON-LD and CSV), on either backend."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from ceatlas.catalog.service import Catalog
from conftest import canonical
from strategies import catalog_documents


def _reimport(
    export: str, suffix: str, make: Callable[[], Engine], tmp_path: Path, n: int
) -> Catalog:
    path = tmp_path / f"export-{n}{suffix}"
    path.write_text(export, encoding="utf-8")
    target = Catalog(make(), None)
    report = target.import_paths([path])
    assert report.problems == []
    return target


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents=catalog_documents())
def test_jsonld_and_csv_round_trip(
    documents: list[dict[str, Any]], fresh_engine: Callable[[], Engine], tmp_path: Path
) -> None:
    source = Catalog(fresh_engine(), None)
    assert source.import_documents(documents, "generated").problems == []
    expected = canonical(source.engine)
    for n, fmt, suffix in ((0, "jsonld", ".jsonld"), (1, "ndjson", ".ndjson"), (2, "csv", ".csv")):
        out = io.StringIO()
        source.export(out, fmt)
        if fmt == "jsonld":
            json.loads(out.getvalue())
        target = _reimport(out.getvalue(), suffix, fresh_engine, tmp_path, n)
        assert canonical(target.engine) == expected, fmt
        source = target
