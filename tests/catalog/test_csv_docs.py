"""The documented CSV header is the one the importer reads and the exporter writes."""

from __future__ import annotations

import re
from pathlib import Path

from ceatlas.catalog.csv_format import HEADER

DOC = Path(__file__).parents[2] / "docs" / "catalog-format.md"


def test_documented_header_matches_the_code() -> None:
    block = re.search(r"The header, in order:\n\n```\n(.*?)```", DOC.read_text(), re.S)
    assert block is not None
    assert tuple(block.group(1).split()) == HEADER
