"""A broken KB (e.g. an admin's edited copy) fails loudly, naming file, entry and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ceatlas.cli import app
from ceatlas.kb import KBError, load_kb


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_error(directory: Path) -> str:
    with pytest.raises(KBError) as info:
        load_kb(directory)
    return str(info.value)


def test_copy_of_packaged_data_is_valid(kb_copy: Path) -> None:
    assert load_kb(kb_copy).counts()["conditions"] >= 40


def test_yaml_syntax_error(kb_copy: Path) -> None:
    replace_in(
        kb_copy / "techniques" / "cupping.yaml", "id: cupping\n", "id: cupping\nname: [oops\n"
    )
    message = load_error(kb_copy)
    assert "techniques/cupping.yaml: YAML syntax error at line" in message


def test_unknown_technique_reference(kb_copy: Path) -> None:
    replace_in(kb_copy / "conditions" / "sciatica.yaml", "- swedish-massage\n", "- foo\n")
    message = load_error(kb_copy)
    assert "conditions: entry 'sciatica': field 'techniques': unknown technique 'foo'" in message


def test_missing_required_field(kb_copy: Path) -> None:
    replace_in(kb_copy / "techniques" / "cupping.yaml", "name: Cupping\n", "")
    message = load_error(kb_copy)
    assert "techniques: entry 'cupping': field 'name': Field required" in message


def test_duplicate_id(kb_copy: Path) -> None:
    replace_in(kb_copy / "competencies.yaml", "- id: physiology\n", "- id: anatomy\n")
    message = load_error(kb_copy)
    assert "competencies.yaml: entry 'anatomy': field 'id': duplicate id" in message


def edit_jurisdiction(kb_copy: Path, code: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = kb_copy / "jurisdictions" / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_wrong_type(kb_copy: Path) -> None:
    edit_jurisdiction(kb_copy, "AZ", lambda d: d["renewal"].update(total_hours="lots"))
    message = load_error(kb_copy)
    assert "jurisdictions: entry 'AZ': field 'renewal.total_hours'" in message


def test_unknown_category_in_topics(kb_copy: Path) -> None:
    edit_jurisdiction(
        kb_copy, "FL", lambda d: d["renewal"]["topics"].append({"topic": "med-errors"})
    )
    message = load_error(kb_copy)
    assert "entry 'FL': field 'topics': unknown category 'med-errors'" in message


def test_bad_approver_code(kb_copy: Path) -> None:
    edit_jurisdiction(kb_copy, "FL", lambda d: d["approvers"].update(accepted=["ABPM"]))
    assert "unknown approver code(s) ['ABPM']" in load_error(kb_copy)


def test_citation_of_a_source_the_file_does_not_have(kb_copy: Path) -> None:
    edit_jurisdiction(kb_copy, "FL", lambda d: d["cycle"].update(cite=[{"source": "nowhere"}]))
    assert "cycle: cites unknown source id(s) ['nowhere']" in load_error(kb_copy)


def test_file_name_must_match_the_id(kb_copy: Path) -> None:
    edit_jurisdiction(kb_copy, "FL", lambda d: d.update(id="GA"))
    assert "jurisdictions/FL.yaml: id must be 'FL' (the file name)" in load_error(kb_copy)


def test_a_topic_given_twice(kb_copy: Path) -> None:
    def twice(d: dict[str, Any]) -> None:
        d["renewal"]["topics"] += [{"topic": "ethics"}, {"topic": "ethics"}]

    edit_jurisdiction(kb_copy, "FL", twice)
    assert "topics given twice (merge them into one rule): ['ethics']" in load_error(kb_copy)


def test_source_without_url_scheme(kb_copy: Path) -> None:
    replace_in(
        kb_copy / "pathways.yaml",
        'url: "https://www.mayo.edu',
        'url: "www.mayo.edu',
    )
    message = load_error(kb_copy)
    assert "pathways.yaml: entry 'hospital-based-massage': field 'sources[0].url'" in message


def test_entry_without_sources(kb_copy: Path) -> None:
    path = kb_copy / "categories.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "- id: extra\n  name: Extra\n  description: x\n  sources: []\n",
        encoding="utf-8",
    )
    assert "categories.yaml: entry 'extra': field 'sources'" in load_error(kb_copy)


def test_all_problems_reported_together(kb_copy: Path) -> None:
    replace_in(kb_copy / "techniques" / "cupping.yaml", "name: Cupping\n", "")
    replace_in(kb_copy / "competencies.yaml", "- id: physiology\n", "- id: anatomy\n")
    with pytest.raises(KBError) as info:
        load_kb(kb_copy)
    files = {problem.file for problem in info.value.problems}
    assert {"techniques", "competencies.yaml"} <= files


def test_missing_file_and_missing_dir(kb_copy: Path, tmp_path: Path) -> None:
    (kb_copy / "pathways.yaml").unlink()
    assert "pathways.yaml: file not found" in load_error(kb_copy)
    assert "knowledge base directory not found" in load_error(tmp_path / "nope")


def test_empty_and_non_list_files(kb_copy: Path) -> None:
    (kb_copy / "categories.yaml").write_text("", encoding="utf-8")
    (kb_copy / "kb.yaml").write_text("version: one\ndate: 2026-11-23\n", encoding="utf-8")
    message = load_error(kb_copy)
    assert "categories.yaml: file is empty" in message
    assert "kb.yaml: entry 'kb': field 'version'" in message


def test_duplicate_yaml_key(kb_copy: Path) -> None:
    replace_in(
        kb_copy / "techniques" / "cupping.yaml", "name: Cupping\n", "name: Cupping\nname: Cups\n"
    )
    assert "duplicate key 'name'" in load_error(kb_copy)


def test_ambiguous_term(kb_copy: Path) -> None:
    replace_in(
        kb_copy / "techniques" / "myofascial-release.yaml",
        "abbreviations:\n- MFR\n",
        "abbreviations:\n- MFR\n- MLD\n",
    )
    message = load_error(kb_copy)
    assert (
        "entry 'myofascial-release': field 'abbreviations': term 'MLD' is already used" in message
    )


def test_cli_check_reports_problems_without_traceback(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replace_in(kb_copy / "conditions" / "sciatica.yaml", "- swedish-massage\n", "- foo\n")
    monkeypatch.setenv("CEATLAS_KB_DIR", str(kb_copy))
    result = CliRunner().invoke(app, ["kb", "check"])
    assert result.exit_code == 1
    assert "conditions: entry 'sciatica': field 'techniques': unknown technique 'foo'" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_check_uses_valid_edited_copy(kb_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replace_in(kb_copy / "kb.yaml", "version: 1.0.0", "version: 9.9.9")
    monkeypatch.setenv("CEATLAS_KB_DIR", str(kb_copy))
    result = CliRunner().invoke(app, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "version 9.9.9" in result.output


def test_a_clinical_fact_on_a_blog_or_staging_host_is_refused(kb_copy: Path) -> None:
    path = kb_copy / "techniques" / "cupping.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sources"][0]["url"] = "https://www.massagemag.com/cupping-article"
    data["cautions"] = [
        {
            "kind": "caution",
            "text": "Avoid on thin skin.",
            "when": ["no-such-condition"],
            "sources": [
                {"url": "https://stage.example.com/x", "title": "draft", "retrieved": "2026-12-02"}
            ],
        }
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    message = load_error(kb_copy)
    assert "massagemag.com is not a clinical source (trade magazine" in message
    assert "stage.example.com is a staging, development or file-sharing host" in message
    assert "field 'cautions[0].when': unknown condition 'no-such-condition'" in message


def test_every_technique_carries_sourced_cautions() -> None:
    kb = load_kb()
    bare = [t.id for t in kb.techniques.values() if not t.cautions]
    assert not bare
    for technique in kb.techniques.values():
        for caution in technique.cautions:
            assert caution.sources, technique.id
