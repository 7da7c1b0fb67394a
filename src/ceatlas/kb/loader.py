"""Read the KB data files and turn them into validated models, collecting every problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from ceatlas.kb.errors import Problem
from ceatlas.kb.models import (
    BodyRegion,
    Category,
    Competency,
    Condition,
    Jurisdiction,
    KBMeta,
    Pathway,
    Technique,
)

DATA_DIR = Path(__file__).parent / "data"
META_FILE = "kb.yaml"

#: kind -> (file name, model); the order is the load and display order.
KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    "conditions": ("conditions", Condition),  # folders: one file per entry
    "techniques": ("techniques", Technique),
    "competencies": ("competencies.yaml", Competency),
    "pathways": ("pathways.yaml", Pathway),
    "jurisdictions": ("jurisdictions", Jurisdiction),  # a folder: one file per jurisdiction
    "categories": ("categories.yaml", Category),
    "regions": ("regions.yaml", BodyRegion),
}

_TYPE_TAGS = frozenset({"int", "str", "bool", "float", "dict", "list", "date"})


# libyaml's parser where PyYAML was built with it: the KB's 140 files parse in about 0.15 s
# of CPU instead of 1.5 s, which every command (a one-shot ``ceatlas recommend``) pays
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """A safe loader that rejects a mapping with the same key twice."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)


@dataclass
class Loaded:
    """The result of reading a data directory: entries by kind, meta and all problems."""

    meta: KBMeta | None = None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: kinds whose file could not be read at all (references to them are not checked)
    unreadable: set[str] = field(default_factory=set)


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """Parse one YAML file; on failure record a problem and return ``None``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path.name, "file not found"))
        return None
    except OSError as exc:
        problems.append(Problem(path.name, f"cannot read file: {exc}"))
        return None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(path.name, f"YAML syntax error{where}: {reason}"))
        return None


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in _TYPE_TAGS or "[" in item or "(" in item:
            continue  # a union-member tag from pydantic, not a field name
        else:
            parts.append(f".{item}" if parts else item)
    return "".join(parts) or "(entry)"


def validation_problems(file: str, entry: str, error: ValidationError) -> list[Problem]:
    """Turn a pydantic error into one problem per field (union failures merged)."""
    by_field: dict[str, list[dict[str, Any]]] = {}
    for err in error.errors(include_url=False):
        by_field.setdefault(_field_path(tuple(err["loc"])), []).append(dict(err))
    problems = []
    for path, errs in by_field.items():
        if len(errs) == 1:
            message = _clean(errs[0]["msg"])
        else:
            options = "; or ".join(dict.fromkeys(_clean(e["msg"]) for e in errs))
            message = f"invalid value {errs[0].get('input')!r}: {options}"
        problems.append(Problem(file, message, entry=entry, field=path))
    return problems


def _clean(message: str) -> str:
    return message.removeprefix("Value error, ")


def _entry_label(raw: Any, index: int) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str) and raw["id"]:
        return str(raw["id"])
    return f"#{index + 1}"


def parse_entries(
    file: str, raw: Any, model: type[BaseModel], problems: list[Problem]
) -> dict[str, Any]:
    """Validate each item of a file's top-level list; duplicates and bad items are reported."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        problems.append(Problem(file, f"expected a list of entries, got {type(raw).__name__}"))
        return {}
    entries: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        label = _entry_label(item, index)
        if not isinstance(item, Mapping):
            problems.append(Problem(file, "entry must be a mapping", entry=label))
            continue
        if label in first_seen:
            problems.append(
                Problem(
                    file,
                    f"duplicate id (first defined as entry #{first_seen[label] + 1})",
                    entry=label,
                    field="id",
                )
            )
            continue
        first_seen[label] = index
        try:
            entries[label] = model.model_validate(item)
        except ValidationError as exc:
            problems.extend(validation_problems(file, label, exc))
    return entries


def load_directory(directory: Path) -> Loaded:
    """Read and validate every data file in ``directory`` (no cross-references yet)."""
    loaded = Loaded()
    if not directory.is_dir():
        loaded.problems.append(Problem(str(directory), "knowledge base directory not found"))
        return loaded
    meta_raw = read_yaml(directory / META_FILE, loaded.problems)
    if meta_raw is not None:
        try:
            loaded.meta = KBMeta.model_validate(meta_raw)
        except ValidationError as exc:
            loaded.problems.extend(validation_problems(META_FILE, "kb", exc))
    for kind, (file, model) in KINDS.items():
        before = len(loaded.problems)
        if (directory / file).is_dir():
            loaded.entries[kind] = _parse_folder(directory / file, model, loaded.problems)
            continue
        raw = read_yaml(directory / file, loaded.problems)
        if raw is None:
            loaded.unreadable.add(kind)
            if len(loaded.problems) == before:
                loaded.problems.append(Problem(file, "file is empty; expected a list of entries"))
        loaded.entries[kind] = parse_entries(file, raw, model, loaded.problems)
    return loaded


def _parse_folder(folder: Path, model: type[BaseModel], problems: list[Problem]) -> dict[str, Any]:
    """A folder of one-entry files (``FL.yaml`` holds the mapping of entry ``FL``)."""
    items: list[Any] = []
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.append(Problem(folder.name, "folder has no .yaml files"))
    for path in files:
        inner: list[Problem] = []
        raw = read_yaml(path, inner)
        problems.extend(
            Problem(f"{folder.name}/{p.file}", p.message, p.entry, p.field) for p in inner
        )
        if raw is None:
            continue
        if isinstance(raw, Mapping) and raw.get("id") != path.stem:
            problems.append(
                Problem(f"{folder.name}/{path.name}", f"id must be {path.stem!r} (the file name)")
            )
            continue
        items.append(raw)
    return parse_entries(folder.name, items, model, problems)


def files_signature(directory: Path) -> tuple[tuple[str, int], ...]:
    """File names with modification times, to invalidate caches when data changes."""
    names = [META_FILE]
    for file, _ in KINDS.values():
        folder = directory / file
        if folder.is_dir():
            names += [f"{file}/{p.name}" for p in sorted(folder.glob("*.yaml"))]
        else:
            names.append(file)
    signature = []
    for name in names:
        path = directory / name
        signature.append((name, path.stat().st_mtime_ns if path.exists() else -1))
    return tuple(signature)
