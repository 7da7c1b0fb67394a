"""The Jinja2 environment: autoescaping everywhere, and the filters the templates use."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ceatlas.compliance.words import format_words, status_words, verdict_words
from ceatlas.web import labels

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"


def _static_versions() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in STATIC_DIR.iterdir()
        if path.is_file()
    }


def _query_url(path: str, params: list[tuple[str, str]], **changes: Any) -> str:
    """``path`` with ``params`` (pairs), each key in ``changes`` replaced (None drops it)."""
    kept = [(k, v) for k, v in params if k not in changes and v != ""]
    for key, value in changes.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        kept.extend((key, str(v)) for v in values)
    return f"{path}?{urlencode(kept)}" if kept else path


def web_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) URL, else None (no ``javascript:`` links from data)."""
    if not value:
        return None
    scheme = urlsplit(value.strip()).scheme.lower()
    return value.strip() if scheme in ("http", "https") else None


def build_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = _static_versions()

    def static_url(name: str) -> str:
        return f"/static/{name}?v={versions.get(name, '0')}"

    def jsonld(text: str) -> Markup:
        # ``text`` comes from queries.embeddable_json: '<', '>' and '&' are \\u-escaped.
        return Markup(text)  # noqa: S704

    env.globals.update(static_url=static_url, query_url=_query_url)
    env.filters.update(
        money=labels.money,
        hours=labels.hours,
        number=labels.number,
        day=labels.day,
        clock=labels.clock,
        mode_label=labels.mode_label,
        jsonld=jsonld,
        web_url=web_url,
        status_words=status_words,
        verdict_words=verdict_words,
        format_words=format_words,
    )
    env.globals["date_range"] = labels.date_range
    return Jinja2Templates(env=env)
