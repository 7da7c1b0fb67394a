"""``ceatlas kb``: validate and browse the knowledge base."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from ceatlas.kb import KINDS, KBError, KnowledgeBase, canonical_kind, load_kb

app = typer.Typer(help="Browse and validate the knowledge base.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
KindArg = Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)} (singular works too).")]


def _kb_dir() -> Path | None:
    from ceatlas.config import load_settings

    return load_settings().kb_dir


def _load() -> KnowledgeBase:
    """Load the configured KB, or print every problem and exit 1."""
    try:
        return load_kb(_kb_dir())
    except KBError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


def _kind(kind: str) -> str:
    try:
        return canonical_kind(kind)
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None


def _dump(entry: Any) -> dict[str, Any]:
    data: dict[str, Any] = entry.model_dump(mode="json")
    return data


@app.command("check")
def check() -> None:
    """Validate the knowledge base (CEATLAS_KB_DIR or the packaged data)."""
    kb = _load()
    typer.echo(f"Knowledge base OK: version {kb.version} ({kb.meta.date.isoformat()})")
    typer.echo(f"Data directory: {kb.source_dir}")
    for kind, count in kb.counts().items():
        typer.echo(f"  {kind:<14} {count}")
    typer.echo(f"  {'sources':<14} {len(kb.all_sources())}")


@app.command("list")
def list_entries(kind: KindArg, as_json: JsonOpt = False) -> None:
    """List every entry of a kind (id and name)."""
    key = _kind(kind)
    kb = _load()
    entries = kb.entries(key)
    if as_json:
        typer.echo(json.dumps([_dump(e) for e in entries.values()], indent=2))
        return
    width = max((len(eid) for eid in entries), default=0)
    for eid, entry in entries.items():
        typer.echo(f"{eid:<{width}}  {entry.name}")


@app.command("show")
def show(
    kind: KindArg,
    name: Annotated[str, typer.Argument(help="Id, name, synonym, abbreviation or lay phrase.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one entry, found by id or any of its names."""
    key = _kind(kind)
    kb = _load()
    entry = kb.get(key, name)
    if entry is None:
        typer.echo(_not_found_message(kb, key, name), err=True)
        raise typer.Exit(1)
    data = _dump(entry)
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).rstrip())


def _facts_by_url(kb: KnowledgeBase) -> dict[str, list[dict[str, str]]]:
    """For each source URL, the jurisdiction rule facts that cite it (with section)."""
    out: dict[str, list[dict[str, str]]] = {}
    for jur in kb.jurisdictions.values():
        by_id = jur.source_by_id
        for name, fact in jur.facts():
            for cite in fact.cite:
                source = by_id.get(cite.source)
                if source is None:
                    continue
                out.setdefault(source.url, []).append(
                    {
                        "jurisdiction": jur.id,
                        "fact": name,
                        "section": cite.section,
                        "confidence": cite.confidence,
                        "authority": source.authority,
                    }
                )
    return out


def _not_found_message(kb: KnowledgeBase, kind: str, name: str) -> str:
    candidates = {eid: eid for eid in kb.entries(kind)}
    candidates.update({entry.name.lower(): eid for eid, entry in kb.entries(kind).items()})
    close = difflib.get_close_matches(name.lower(), list(candidates), n=5, cutoff=0.5)
    ids = list(dict.fromkeys(candidates[c] for c in close))
    message = f"No {kind} entry matches {name!r}."
    if ids:
        message += f" Did you mean: {', '.join(ids)}?"
    return message + f" (See `ceatlas kb list {kind}`.)"


@app.command("sources")
def sources(as_json: JsonOpt = False) -> None:
    """List every source cited by the knowledge base, with the entries citing it."""
    kb = _load()
    rows = kb.all_sources()
    facts = _facts_by_url(kb)
    if as_json:
        payload = [
            {
                **source.model_dump(mode="json"),
                "cited_by": citers,
                "facts": facts.get(source.url, []),
            }
            for source, citers in rows
        ]
        typer.echo(json.dumps(payload, indent=2))
        return
    for source, citers in rows:
        typer.echo(f"{source.url}")
        typer.echo(f"    {source.title} (retrieved {source.retrieved.isoformat()})")
        typer.echo(f"    cited by: {', '.join(citers)}")
        for fact in facts.get(source.url, []):
            section = f" ({fact['section']})" if fact["section"] else ""
            typer.echo(
                f"    {fact['jurisdiction']}: {fact['fact']}{section}, confidence "
                f"{fact['confidence']}"
            )
