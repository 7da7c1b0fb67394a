"""The synthetic catalog generator: exact counts, determinism, importable, plausible."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ceatlas.catalog.generator import MAX_PRICE, generate
from ceatlas.catalog.sample_data.vocabulary import CONDITIONS, TECHNIQUES
from ceatlas.catalog.service import Catalog

START = dt.date(2027, 1, 4)


def _run(sessions: int, seed: int = 1, start: dt.date = START) -> str:
    buffer = io.StringIO()
    generate(sessions, seed, buffer, start)
    return buffer.getvalue()


def _documents(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("count", [1, 4, 5, 41, 45, 1234])
def test_exact_session_count(count: int) -> None:
    buffer = io.StringIO()
    summary = generate(count, 3, buffer, START)
    docs = _documents(buffer.getvalue())
    assert sum(len(d["hasCourseInstance"]) for d in docs) == count
    assert summary.sessions == count
    assert summary.courses == len(docs)
    assert summary.bytes == len(buffer.getvalue().encode())
    assert all(d["hasCourseInstance"] for d in docs)


def test_same_seed_same_bytes_other_seed_differs() -> None:
    assert _run(3000, seed=5) == _run(3000, seed=5)
    assert _run(3000, seed=5) != _run(3000, seed=6)
    assert _run(300, seed=5) != _run(300, seed=5, start=START + dt.timedelta(days=1))


def test_rejects_non_positive_counts() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(0, 1, io.StringIO(), START)


def test_output_imports_without_problems(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "generated.ndjson"
    with path.open("w", encoding="utf-8") as out:
        summary = generate(2000, 11, out, START)
    report = catalog.import_paths([path])
    assert report.problems == []
    assert report.totals.sessions.inserted == 2000
    stats = catalog.stats()
    assert stats.sessions == 2000
    assert stats.courses == summary.courses
    assert stats.providers == summary.providers
    assert set(stats.sessions_by_mode) == {
        "in_person",
        "live_online",
        "self_paced_online",
        "hybrid",
    }


def test_distributions_are_plausible() -> None:
    docs = _documents(_run(20000, seed=2))
    modes: Counter[str] = Counter()
    prices: list[Decimal] = []
    hours: list[float] = []
    techniques: Counter[str] = Counter()
    conditions: set[str] = set()
    weekend = weekday = 0
    horizon = START + dt.timedelta(days=365)
    providers = {d["provider"]["@id"] for d in docs}
    for doc in docs:
        hours.append(doc["numberOfCredits"]["value"])
        for term in doc.get("teaches", []):
            if term["inDefinedTermSet"].endswith("techniques"):
                techniques[term["name"]] += 1
        conditions.update(
            a["name"] for a in doc.get("about", []) if a["@type"] != "AnatomicalStructure"
        )
        assert 5 <= len(doc["hasCourseInstance"]) <= 40
        for session in doc["hasCourseInstance"]:
            mode = "/".join(session["courseMode"])
            modes[mode] += 1
            prices.extend(Decimal(o["price"]) for o in session["offers"])
            if "startDate" in session:
                start = dt.date.fromisoformat(session["startDate"][:10])
                end = dt.date.fromisoformat(session["endDate"][:10])
                assert START <= start <= end <= horizon
                if mode == "onsite":
                    if start.weekday() >= 4:
                        weekend += 1
                    else:
                        weekday += 1
            else:
                assert mode == "online/asynchronous"
    total = sum(modes.values())
    assert 0.38 <= modes["onsite"] / total <= 0.52
    assert 0.18 <= modes["online/synchronous"] / total <= 0.32
    assert 0.14 <= modes["online/asynchronous"] / total <= 0.28
    assert 0.05 <= modes["blended"] / total <= 0.15
    assert min(prices) == 0
    assert max(prices) <= MAX_PRICE
    assert min(hours) >= 1
    assert max(hours) <= 160
    assert sorted(hours)[len(hours) // 2] <= 16
    assert weekend > weekday
    assert set(techniques) <= set(TECHNIQUES)
    assert conditions <= set(CONDITIONS)
    ranked = techniques.most_common()
    assert ranked[0][1] > 5 * ranked[-1][1]  # skewed popularity
    assert 80 <= len(providers) <= 120  # about one provider per 200 sessions
