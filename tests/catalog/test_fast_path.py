"""The fast reader for plain sessions agrees with the general reader on every input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

from ceatlas.catalog import schemaorg_read
from ceatlas.catalog.records import CourseRecord, RecordError
from ceatlas.catalog.schemaorg_fast import plain_session as original
from ceatlas.catalog.schemaorg_read import SchemaOrgReader
from ceatlas.catalog.vocabulary import TermMapper
from strategies import catalog_documents


def _read(documents: list[dict[str, Any]]) -> list[Any]:
    reader = SchemaOrgReader(TermMapper(None))
    found: list[Any] = []
    for document in documents:
        for _, outcome in reader.records(document):
            if isinstance(outcome, CourseRecord):
                found.append([(s.key, s.values) for s in outcome.sessions])
            elif isinstance(outcome, RecordError):
                found.append((outcome.field, outcome.reason))
    return found


@settings(max_examples=150, deadline=None)
@given(documents=catalog_documents())
def test_fast_and_general_readers_agree(documents: list[dict[str, Any]]) -> None:
    fast = _read(documents)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schemaorg_read, "plain_session", lambda *args: None)
        general = _read(documents)
    assert fast == general


def test_the_fast_path_takes_plain_sessions() -> None:
    plain = {
        "@type": "Course",
        "@id": "https://s.example/c",
        "name": "C",
        "hasCourseInstance": {
            "@id": "https://s.example/s",
            "courseMode": "onsite",
            "startDate": "2027-01-02",
            "location": "Hall",
        },
    }
    calls: list[bool] = []

    def spy(*args: Any) -> Any:
        result = original(*args)
        calls.append(result is not None)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schemaorg_read, "plain_session", spy)
        _read([plain])
    assert calls == [True]
