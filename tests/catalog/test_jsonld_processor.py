"""The JSON-LD export expands without error in an independent processor (pyld)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from pyld import jsonld

from ceatlas.catalog.service import Catalog

# Offline, the processor cannot fetch https://schema.org/; this local context gives it the
# vocabulary mapping that matters for expansion (every term is a schema.org IRI).
SCHEMA_ORG_CONTEXT = {
    "@context": {"@vocab": "https://schema.org/", "schema": "https://schema.org/"}
}


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") in {"https://schema.org", "http://schema.org"}:
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}
    raise jsonld.JsonLdError(f"no network: {url}", "loading document failed")


def test_export_expands_with_pyld(catalog: Catalog, tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "fixtures" / "full-course.jsonld"
    assert catalog.import_paths([source]).ok
    out = io.StringIO()
    catalog.export(out, "jsonld")
    expanded = jsonld.expand(json.loads(out.getvalue()), {"documentLoader": _offline_loader})
    course = next(n for n in expanded if "https://schema.org/Course" in n.get("@type", []))
    assert course["https://schema.org/name"][0]["@value"] == "Manual Lymph Drainage I: Foundations"
    instances = course["https://schema.org/hasCourseInstance"]
    assert len(instances) == 2
    provider = course["https://schema.org/provider"][0]
    assert "https://w3id.org/ceatlas/ns#approval" in provider
