"""Read catalog files: JSON-LD (.json, .jsonld), NDJSON, HTML pages with JSON-LD blocks, CSV.

Every reader streams ``(where, record-or-error)`` pairs, where ``where`` says where in the
file the record sits (line, record index, script block), so that errors can name it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ceatlas.catalog import parsing as p
from ceatlas.catalog.csv_format import CsvReader
from ceatlas.catalog.limits import ImportLimits, deeper_than, too_deep, too_many_objects
from ceatlas.catalog.records import Notice, Record, RecordError
from ceatlas.catalog.schemaorg_nodes import bare_document
from ceatlas.catalog.schemaorg_read import SchemaOrgReader, bare_keys
from ceatlas.catalog.vocabulary import TermMapper

JSON_SUFFIXES = {".json", ".jsonld"}
NDJSON_SUFFIXES = {".ndjson", ".jsonl"}
HTML_SUFFIXES = {".html", ".htm"}
CSV_SUFFIXES = {".csv"}
SUFFIXES = JSON_SUFFIXES | NDJSON_SUFFIXES | HTML_SUFFIXES | CSV_SUFFIXES

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Where:
    """A record's place in its file, e.g. ``line 12``, ``script 2, record 3``."""

    file: str
    line: int | None = None
    block: int | None = None
    index: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.block is not None:
            parts.append(f"script {self.block}")
        if self.index is not None:
            parts.append(f"record {self.index}")
        return ", ".join(parts)


Item = tuple[Where, Record | RecordError | Notice | None]


class UnsupportedFileError(Exception):
    pass


def read_file(path: Path, terms: TermMapper, progress: Progress | None = None) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix in NDJSON_SUFFIXES:
        yield from _ndjson(path, SchemaOrgReader(terms, path.name), progress)
    elif suffix in JSON_SUFFIXES:
        yield from _json(path, SchemaOrgReader(terms, path.name), progress)
    elif suffix in HTML_SUFFIXES:
        yield from _html(path, SchemaOrgReader(terms, path.name), progress)
    elif suffix in CSV_SUFFIXES:
        yield from _csv(path, CsvReader(terms), progress)
    else:
        raise UnsupportedFileError(
            f"{path}: unsupported file type {suffix or '(none)'}; expected one of "
            + ", ".join(sorted(SUFFIXES))
        )


def _loads(text: str) -> Any:
    # Prefixes are stripped while parsing: one pass instead of a second walk of every object.
    return json.loads(text, object_hook=bare_keys)


class TooLargeError(ValueError):
    """A document asks more of the importer than :mod:`.limits` allows."""


def _checked(text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)`` within the import limits: too many objects are refused before
    parsing, too deep a nesting before the reader walks it (and instead of Python's
    RecursionError)."""
    limits = ImportLimits.from_env()
    reason = too_many_objects(text, limits)
    if reason:
        raise TooLargeError(reason)
    try:
        document = parse(text)
    except RecursionError:
        raise TooLargeError(deeper_than(limits)) from None
    reason = too_deep(document, limits)
    if reason:
        raise TooLargeError(reason)
    return document


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8-sig")


def _documents(
    reader: SchemaOrgReader, document: Any, where: Where, single_line: bool = False
) -> Iterator[Item]:
    items = list(reader.records(document, keys_bare=True))
    notices = reader.take_notices()
    for index, outcome in items:
        shown = None if single_line and len(items) == 1 else index
        shown = shown if where.index is None else where.index
        place = Where(where.file, where.line, where.block, shown)
        yield place, outcome
        for _, notice in (n for n in notices if n[0] == index):
            yield place, notice
    given = {index for index, _ in items}
    for index, notice in notices:  # about nodes that gave no record (a skipped Event)
        if index not in given:
            yield Where(where.file, where.line, where.block, where.index or index), notice


def _json(path: Path, reader: SchemaOrgReader, progress: Progress | None) -> Iterator[Item]:
    raw = path.read_bytes()
    try:
        document = _checked(_decode(raw), _loads)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        yield Where(str(path), line), RecordError("", f"not valid JSON: {_json_reason(error)}")
        return
    except TooLargeError as error:
        yield Where(str(path)), RecordError("", f"not read: {error}")
        return
    if progress:
        progress(len(raw))
    yield from _documents(reader, document, Where(str(path)))


def _ndjson(path: Path, reader: SchemaOrgReader, progress: Progress | None) -> Iterator[Item]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if progress:
                progress(len(raw))
            if not raw.strip():
                continue
            where = Where(str(path), number)
            try:
                line = raw.rstrip(b"\r\n").decode("utf-8-sig" if number == 1 else "utf-8")
                document = _checked(line, _loads)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                yield (
                    where,
                    RecordError("", f"not valid JSON: {_json_reason(error, one_line=True)}"),
                )
                continue
            except TooLargeError as error:
                yield where, RecordError("", f"not read: {error}")
                continue
            yield from _documents(reader, document, where, single_line=True)


def _html(path: Path, reader: SchemaOrgReader, progress: Progress | None) -> Iterator[Item]:
    from lxml import html as lxml_html

    from ceatlas.catalog.markup import embedded, loads_lenient

    raw = path.read_bytes()
    if progress:
        progress(len(raw))
    try:
        # huge_tree: a script block over lxml's default 10 MB is read whole (and then held
        # to the import limits) rather than emptied with the blocks after it
        tree = lxml_html.fromstring(raw, parser=lxml_html.HTMLParser(huge_tree=True))
    except (ValueError, SyntaxError) as error:  # lxml's ParserError derives from these
        yield Where(str(path)), RecordError("", f"not readable as HTML: {error}")
        return
    scripts = tree.xpath(
        '//script[translate(@type, "APLIONJS+D", "aplionjs+d")="application/ld+json"]'
    )
    reader.lenient = True  # a page's doubtful session is skipped, not its whole course
    for block, script in enumerate(scripts, start=1):
        where = Where(str(path), script.sourceline, block)
        try:
            document, removed = _checked(
                script.text or "", lambda text: loads_lenient(text, bare_keys)
            )
        except json.JSONDecodeError as error:
            yield where, RecordError("", f"not valid JSON: {_json_reason(error)}")
            continue
        except TooLargeError as error:
            yield where, RecordError("", f"not read: {error}")
            continue
        if removed:
            yield where, Notice("warning", f"not strict JSON ({removed}); read leniently")
        yield from _documents(reader, p.plain_strings(document), where)
    others = embedded(raw) if b"itemscope" in raw or b"typeof" in raw else []
    for number, (syntax, document) in enumerate(others, start=1):
        where = Where(f"{path} ({syntax})", None, None, number)
        yield from _documents(reader, p.plain_strings(bare_document(document)), where)
    if not scripts and not others:
        yield (
            Where(str(path)),
            RecordError("", 'no <script type="application/ld+json"> block in the page'),
        )


def _csv(path: Path, reader: CsvReader, progress: Progress | None) -> Iterator[Item]:
    with path.open("rb") as binary:
        # a byte that is not UTF-8 spoils its own row only (CsvReader refuses that row)
        stream = io.TextIOWrapper(
            binary, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        last = 0
        try:
            for line, outcome in reader.rows(stream):
                if progress:
                    position = binary.tell()
                    progress(position - last)
                    last = position
                yield Where(str(path), line), outcome
        except UnicodeDecodeError as error:
            yield (
                Where(str(path)),
                RecordError("", f"not UTF-8 text: {error.reason} at byte {error.start}"),
            )
        except Exception as error:  # the csv module raises csv.Error for malformed quoting
            if type(error).__module__ != "_csv":
                raise
            yield Where(str(path)), RecordError("", f"malformed CSV: {error}")


def _json_reason(error: Exception, *, one_line: bool = False) -> str:
    if isinstance(error, json.JSONDecodeError):
        if one_line:
            return f"{error.msg} at column {error.colno}"
        return f"{error.msg} at line {error.lineno}, column {error.colno}"
    return str(error)
