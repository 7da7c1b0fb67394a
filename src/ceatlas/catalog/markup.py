"""What an HTML page carries: JSON-LD blocks (read leniently), microdata and RDFa.

JSON-LD is read block by block so that errors can name the script and its line; pages
often wrap it in ``// <![CDATA[``, or leave ``//`` comments and trailing commas in it,
and such blocks are read after removing those, with a warning. Microdata and RDFa come
from the maintained extractor ``extruct``; RDFa arrives as flat expanded JSON-LD and is
nested again here (blank nodes placed inside the node that names them).
"""

from __future__ import annotations

import json
import re
from typing import Any

_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")


def _strip_comments_and_commas(text: str) -> str:
    """``//`` and ``/* */`` comments and trailing commas removed, strings left alone."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        elif c in "}]":
            j = len(out) - 1
            while j >= 0 and out[j].isspace():
                j -= 1
            if j >= 0 and out[j] == ",":
                del out[j]
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def loads_lenient(body: str, object_hook: Any) -> tuple[Any, str | None]:
    """The JSON document in a script block, and what had to be removed to read it (None
    when it was strict JSON). Raises ``json.JSONDecodeError`` when even that fails."""
    body = body.strip().removeprefix("<!--").removesuffix("-->").strip()
    try:
        return json.loads(body, object_hook=object_hook), None
    except json.JSONDecodeError as strict_error:
        cleaned = _CDATA.sub("", body).strip()
        wrappers = "a CDATA wrapper" if cleaned != body else ""
        relaxed = _strip_comments_and_commas(cleaned)
        if relaxed != cleaned:
            wrappers = f"{wrappers} and " if wrappers else ""
            wrappers += "comments or trailing commas"
        if not wrappers:
            raise strict_error from None
        return json.loads(relaxed, object_hook=object_hook), wrappers


def embedded(raw: bytes | str, base_url: str | None = None) -> list[tuple[str, Any]]:
    """Microdata and RDFa items of a page as JSON-LD-shaped documents: (syntax, document)."""
    import extruct  # type: ignore[import-untyped]

    try:
        found = extruct.extract(
            raw, base_url=base_url, syntaxes=["microdata", "rdfa"], uniform=True
        )
    except Exception:  # extruct wraps several parsers; a page they cannot read has neither
        return []
    documents: list[tuple[str, Any]] = []
    for item in found.get("microdata") or []:
        documents.append(("microdata", item))
    rdfa = found.get("rdfa") or []
    if rdfa:
        documents.extend(("RDFa", d) for d in rdfa_tree(rdfa))
    return documents


def rdfa_tree(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat expanded JSON-LD nested again: each typed node not named by another becomes a
    document, with the nodes it names placed inside it (once; cycles are cut)."""
    by_id = {n["@id"]: n for n in nodes if isinstance(n, dict) and isinstance(n.get("@id"), str)}
    named: set[str] = set()
    for n in by_id.values():
        for key, values in n.items():
            if key.startswith("@") or not isinstance(values, list):
                continue
            named.update(v["@id"] for v in values if isinstance(v, dict) and "@id" in v)

    def build(n: dict[str, Any], seen: frozenset[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not str(n.get("@id", "")).startswith("_:"):
            out["@id"] = n.get("@id")
        if "@type" in n:
            out["@type"] = n["@type"]
        for key, values in n.items():
            if key.startswith("@"):
                continue
            items = []
            for v in values if isinstance(values, list) else [values]:
                if isinstance(v, dict) and "@value" in v:
                    items.append(v["@value"])
                elif isinstance(v, dict) and v.get("@id") in by_id and v["@id"] not in seen:
                    items.append(build(by_id[v["@id"]], seen | {v["@id"]}))
                elif isinstance(v, dict) and "@id" in v:
                    items.append(v["@id"])
                else:
                    items.append(v)
            out[key] = items[0] if len(items) == 1 else items
        return out

    return [build(n, frozenset({i})) for i, n in by_id.items() if i not in named and n.get("@type")]
