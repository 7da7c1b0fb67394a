"""``ceatlas recommend`` through Typer's CliRunner."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from ceatlas.catalog.service import Catalog
from ceatlas.cli import app

runner = CliRunner()
TODAY = ["--today", "2026-11-23"]


def test_recommend_json_and_text(cli_env: Path, catalog: Catalog) -> None:
    catalog.load_sample(dt.date(2026, 11, 23))
    args = ["recommend", "sciatica:9", "pain deep in my buttock when I sit:5", "--matcher"]
    result = runner.invoke(
        app, [*args, "lexical", "--zip", "33602", "--budget", "300", "--json", *TODAY]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["matcher"] == "lexical"
    # Worked by hand from the KB: sciatica lists Swedish massage (generic: 21 of 47
    # conditions), neurodynamic mobilization (listed for 2 conditions), trigger point therapy
    # (12); piriformis syndrome lists trigger point therapy first. Weights, clients x
    # ln(47 / conditions listing it) / (1 + place / 2): neurodynamic 9 x ln(47/2) = 28.4;
    # trigger point 9 x ln(47/12) / 1.5 + 5 x ln(47/12) = 15.0. The specific technique for
    # the larger group leads; the one shared by both groups follows.
    techniques = data["techniques"]
    assert techniques[0]["technique_id"] == "neurodynamic-mobilization"
    assert techniques[0]["explanation"].startswith("covers 9 of your 14 clients")
    assert techniques[1]["technique_id"] == "trigger-point-therapy"
    assert techniques[1]["explanation"].startswith("covers 14 of your 14 clients")
    assert "swedish-massage" not in [t["technique_id"] for t in techniques]
    assert data["courses"]
    assert data["planner"]["conditions"] == ["sciatica", "piriformis-syndrome"]
    assert data["planner"]["command"] == (
        "ceatlas plan --caseload sciatica,piriformis-syndrome --budget 300 --near 33602 --max-km 80"
    )
    text = runner.invoke(app, [*args, "lexical", "--modes", "live_online", *TODAY])
    assert text.exit_code == 0, text.output
    assert "Techniques worth learning" in text.stdout
    assert "Cautions from the knowledge base" in text.stdout
    assert "Next: plan these with" in text.stdout
    assert "ceatlas plan --caseload sciatica,piriformis-syndrome --mode live_online" in text.stdout


def test_recommend_from_file(cli_env: Path, catalog: Catalog, tmp_path: Path) -> None:
    lines = tmp_path / "caseload.txt"
    lines.write_text("# my month\nsciatica: 9\n\ntennis elbow: 4\n", encoding="utf-8")
    result = runner.invoke(
        app, ["recommend", "--file", str(lines), "--matcher", "lexical", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["clients_per_month"] == 13
    caseload = tmp_path / "caseload.json"
    caseload.write_text(
        json.dumps({"complaints": [{"condition": "sciatica", "clients_per_month": 2}]}),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["recommend", "--file", str(caseload), "--matcher", "lexical", "--json"]
    )
    assert result.exit_code == 0, result.output


def test_recommend_exit_codes(cli_env: Path, tmp_path: Path) -> None:
    uncertain = runner.invoke(
        app, ["recommend", "sciatica:2", "feeling weird:3", "--matcher", "lexical"]
    )
    assert uncertain.exit_code == 1, uncertain.output
    assert "'feeling weird' (3/month) is uncertain" in uncertain.stdout
    assumed = runner.invoke(
        app, ["recommend", "sciatica:2", "feeling weird:3", "--matcher", "lexical", "--assume-best"]
    )
    assert assumed.exit_code == 0, assumed.output
    named = runner.invoke(app, ["recommend", "Mary has sciatica:2", "--matcher", "lexical"])
    assert named.exit_code == 2
    assert "complaint 1: text looks like it holds a person's name" in named.output
    assert "Mary" not in named.output
    bad_file = tmp_path / "c.json"
    bad_file.write_text(
        json.dumps({"complaints": [{"text": "sciatica", "clients_per_month": 2, "dob": "x"}]}),
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["recommend", "--file", str(bad_file), "--matcher", "lexical"])
    assert refused.exit_code == 2
    assert "field 'dob' looks like it holds a birth date" in refused.output
    for args in (
        ["recommend"],
        ["recommend", "sciatica:2", "--matcher", "psychic"],
        ["recommend", "sciatica:2", "--modes", "teleport", "--matcher", "lexical"],
        ["recommend", "sciatica:2", "--zip", "00000", "--matcher", "lexical"],
        ["recommend", "--file", str(tmp_path / "missing.txt")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "error:" in result.output


def test_several_caseloads_in_one_call(cli_env: Path, catalog: Catalog, tmp_path: Path) -> None:
    """Each --file is a caseload and the arguments are one more; each is answered alone."""
    backs = tmp_path / "backs.txt"
    backs.write_text("sciatica: 9\nlow back pain: 3\n", encoding="utf-8")
    shoulders = tmp_path / "shoulders.json"
    shoulders.write_text(
        json.dumps({"complaints": [{"condition": "frozen-shoulder", "clients_per_month": 2}]}),
        encoding="utf-8",
    )
    args = ["recommend", "tennis elbow:4", "--file", str(backs), "--file", str(shoulders)]
    result = runner.invoke(app, [*args, "--matcher", "lexical", "--json", *TODAY])
    assert result.exit_code == 0, result.output
    caseloads = json.loads(result.stdout)["caseloads"]
    assert [c["source"] for c in caseloads] == [
        "complaints given as arguments",
        str(backs),
        str(shoulders),
    ]
    # 4 tennis-elbow clients; 9 + 3 back clients; 2 frozen-shoulder clients: never summed
    assert [c["clients_per_month"] for c in caseloads] == [4, 12, 2]
    assert caseloads[2]["planner"]["conditions"] == ["frozen-shoulder"]
    text = runner.invoke(app, [*args, "--matcher", "lexical", *TODAY])
    assert text.exit_code == 0, text.output
    assert f"== Caseload 2 of 3: {backs} ==" in text.stdout
    assert text.stdout.count("Techniques worth learning") == 3


def test_a_bad_line_in_one_caseload_names_its_file_and_line(cli_env: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("sciatica: 2\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("# month\nsciatica: 2\nsciatica: -3\n", encoding="utf-8")
    result = runner.invoke(
        app, ["recommend", "--file", str(good), "--file", str(bad), "--matcher", "lexical"]
    )
    assert result.exit_code == 2, result.output
    assert f"--file {bad}, line 3:" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    result = runner.invoke(app, ["recommend", "--file", str(empty), "--matcher", "lexical"])
    assert result.exit_code == 2
    assert f"--file: {empty} holds no complaints" in result.output
