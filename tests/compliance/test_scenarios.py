"""Every jurisdiction's compliance scenarios, worked by hand from the rule texts.

The scenarios live in ``tests/compliance/scenarios/XX.yaml`` (format: the README there);
each one's ``working`` is the hand computation with the rule's section. Every scenario
runs through the CE record service on the test database (SQLite here, PostgreSQL in CI).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from ceatlas.accounts.service import Accounts
from ceatlas.compliance import CeRecords, ComplianceStatus, EntryInput
from ceatlas.kb import KnowledgeBase, load_kb

SCENARIO_DIR = Path(__file__).parent / "scenarios"
REQUIREMENT_FIELDS = ("required", "counted", "uncertain", "status")


def _load() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["jurisdiction"] == path.stem, f"{path.name}: jurisdiction must be {path.stem}"
        for scenario in data["scenarios"]:
            scenario["jurisdiction"] = data["jurisdiction"]
            cases.append((f"{path.stem}-{scenario['name']}", scenario))
    return cases


CASES = _load()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _run(
    engine: Engine, kb: KnowledgeBase, tmp: Path, case: dict[str, Any]
) -> tuple[ComplianceStatus, list[int]]:
    """The status, and the ids of the entries in the order the scenario gives them."""
    records = CeRecords(engine, kb, tmp / "data")
    user = Accounts(engine).sign_up("scenario@example.org", "correct horse battery", "T").id
    lic = case["license"]
    kind = "credential" if kb.jurisdictions[case["jurisdiction"]].kind == "national" else "license"
    records.add_license(
        user,
        case["jurisdiction"],
        kind=kind,
        cycle_start=lic.get("cycle_start"),
        cycle_end=lic["renewal"],
        first_renewal=bool(lic.get("first_renewal", False)),
        issued_on=lic.get("issued"),
        today=case["today"],
    )
    today = case["today"]
    ids = []
    for item in case.get("entries", []):
        made = records.add_entry(
            user,
            EntryInput(
                title=item.get("title", "CE course"),
                completed_on=item["date"],
                hours=str(item["hours"]),
                format=item["format"],
                provider=item.get("provider"),
                approvals=list(item.get("approvals", [])),
                categories=[f"{k}:{v}" for k, v in (item.get("categories") or {}).items()],
                expires_on=item.get("expires"),
            ),
            today,
        )
        ids.append(made.id)
    (status,) = records.status(user, today)
    return status, ids


@pytest.mark.parametrize(("case"), [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_scenario(case: dict[str, Any], engine: Engine, kb: KnowledgeBase, tmp_path: Path) -> None:
    assert case.get("working", "").strip(), "every scenario carries its hand working"
    assert case.get("cite", "").strip(), "every scenario cites the rule it works from"
    status, ids = _run(engine, kb, tmp_path, case)
    verdicts = {v.entry_id: v for v in status.entries}
    expect = case["expect"]
    seen = {
        r.key: {
            "required": r.required,
            "counted": r.counted,
            "uncertain": r.uncertain,
            "status": r.status,
        }
        for r in status.requirements
    }
    problems = []
    if status.status != expect["status"]:
        problems.append(f"status {status.status!r}, hand working says {expect['status']!r}")
    if "cycle" in expect:
        want = tuple(dt.date.fromisoformat(str(d)) for d in expect["cycle"])
        if (status.cycle_start, status.cycle_end) != want:
            problems.append(f"cycle {status.cycle_start}..{status.cycle_end}, expected {want}")
    for key, fields in (expect.get("requirements") or {}).items():
        if key not in seen:
            problems.append(f"no requirement {key!r} (have {sorted(seen)})")
            continue
        for name, value in fields.items():
            got = seen[key][name]
            wanted = value if name == "status" else _decimal(value)
            if got != wanted:
                problems.append(f"{key}.{name} = {got}, hand working says {wanted}")
    for index, fields in enumerate(expect.get("entries") or []):
        verdict = verdicts[ids[index]]
        for name, value in fields.items():
            got = getattr(verdict, name)
            wanted = value if name == "verdict" else _decimal(value)
            if got != wanted:
                problems.append(f"entry {index + 1} ({verdict.title}) {name} = {got}, not {wanted}")
    for phrase in expect.get("summary_contains") or []:
        if phrase not in status.summary:
            problems.append(f"summary {status.summary!r} lacks {phrase!r}")
    assert not problems, "\n".join(problems) + "\n" + _explain(status)


def _explain(status: ComplianceStatus) -> str:
    lines = [f"summary: {status.summary}"]
    lines += [
        f"  {r.key}: {r.counted}/{r.required} (+{r.uncertain}) {r.status} {r.note}"
        for r in status.requirements
    ]
    lines += [f"  entry {v.title}: {v.verdict} {v.counted} {v.reasons}" for v in status.entries]
    return "\n".join(lines)


def test_every_licensing_jurisdiction_has_two_scenarios(kb: KnowledgeBase) -> None:
    """Each jurisdiction that asks for CE has at least two hand-worked scenarios."""
    count: dict[str, int] = {}
    for _, case in CASES:
        count[case["jurisdiction"]] = count.get(case["jurisdiction"], 0) + 1
    short = sorted(
        j.id for j in kb.jurisdictions.values() if j.requires_ce and count.get(j.id, 0) < 2
    )
    assert not short, f"fewer than two scenarios: {short}"
