"""Catalog text is escaped in pages and cannot break out of the embedded JSON-LD."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ceatlas.catalog.models import Course, Provider
from ceatlas.catalog.service import Catalog

HOSTILE = '</script><script>alert("x")</script><!-- & \u2028'


def test_hostile_catalog_text(fresh_client: TestClient, sample_catalog: Catalog) -> None:
    engine = sample_catalog.engine
    with engine.begin() as conn:
        course_id = conn.scalar(select(Course.id).order_by(Course.id).limit(1))
        provider_id = conn.scalar(select(Course.provider_id).where(Course.id == course_id))
        conn.execute(
            update(Course)
            .where(Course.id == course_id)
            .values(title=HOSTILE, description=HOSTILE, url="javascript:alert(1)")
        )
        conn.execute(
            update(Provider)
            .where(Provider.id == provider_id)
            .values(name=HOSTILE, url=" JavaScript:alert(1)")
        )
    for path in (f"/courses/{course_id}", f"/providers/{provider_id}", "/?per_page=100"):
        html = fresh_client.get(path).text
        assert '<script>alert("x")</script>' not in html, path
        assert "&lt;/script&gt;&lt;script&gt;" in html, path
        assert not re.search(r'href="\s*javascript:', html, re.I), path
    page = fresh_client.get(f"/courses/{course_id}").text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1, "the hostile title did not close the JSON-LD element"
    assert "</" not in blocks[0]
    document = json.loads(blocks[0])
    assert document["name"] == HOSTILE
    api = fresh_client.get(f"/api/v1/courses/{course_id}").json()
    assert api["title"] == HOSTILE
