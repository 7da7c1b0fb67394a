"""Generators of hostile catalog files, shared by the tests and bench/hostile_bench.py."""

from __future__ import annotations

import json


def good_line(n: int) -> str:
    """One valid self-paced course as an NDJSON line."""
    return json.dumps(
        {
            "@type": "Course",
            "@id": f"https://school.example/c/{n}",
            "name": f"Course {n}",
            "provider": {
                "@type": "Organization",
                "name": "School",
                "url": "https://school.example",
            },
            "hasCourseInstance": {"courseMode": "online"},
        }
    )


def many_empty_objects(n: int) -> str:
    """``{"@graph": [{}, {}, ...]}``: n empty objects inside one (n + 1 in all)."""
    return '{"@graph": [' + ",".join(["{}"] * n) + "]}"


def deep_json(levels: int) -> str:
    """An object nested ``levels`` deep: ``{"a": {"a": ... {} ...}}``."""
    return '{"a": ' * (levels - 1) + "{}" + "}" * (levels - 1)


def page_with_blocks(padding_bytes: int) -> str:
    """An HTML page with two JSON-LD blocks, the first padded with a long description."""
    first = json.loads(good_line(1))
    first["description"] = "x" * padding_bytes
    second = json.loads(good_line(2))
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps(doc)}</script>' for doc in (first, second)
    )
    return f"<!doctype html><html><head>{blocks}</head><body>Classes</body></html>"
