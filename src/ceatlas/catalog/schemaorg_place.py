"""Where a session takes place: a schema.org location read into venue, address and
coordinates; an address without coordinates placed from its ZIP code or city (US); a
place that only says the session is online ("Online", "Streamed", "Zoom") read as that,
never as a city."""

from __future__ import annotations

import re
from typing import Any

from ceatlas.catalog import parsing as p
from ceatlas.catalog.places import locate
from ceatlas.catalog.schemaorg_nodes import at, many, node, text_name, types

_ONLINE_PLACE = re.compile(
    r"^\s*(?:online|virtual|streamed?|live\s?stream(?:ed)?|zoom|webinar|internet|web)\b",
    re.IGNORECASE,
)


def online_words(value: str | None) -> bool:
    """Whether a venue or locality only says the session is online."""
    return bool(value and _ONLINE_PLACE.match(value))


#: the key a session's values carry when its coordinates were worked out from its address
LOCATED = "_located_from"
_US = frozenset({"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"})


def read_location(values: dict[str, Any], raw: Any) -> bool:
    """Fill the location fields; True when the place only says the session is online."""
    for key in (
        "venue",
        "street",
        "city",
        "region",
        "postal_code",
        "country",
        "latitude",
        "longitude",
    ):
        values[key] = None
    physical = [
        i for i in many(raw) if not (isinstance(i, dict) and "VirtualLocation" in types(node(i)))
    ]
    if not physical:
        return False
    item = physical[0]
    if not isinstance(item, dict):
        values["venue"] = at("location", lambda v: p.bounded(p.text(v), 300), item)
        return _drop_online(values)
    place = node(item)
    if "PostalAddress" in types(place) or "streetAddress" in place or "addressLocality" in place:
        values.update(at("location", address, place))
    else:
        values["venue"] = at(
            "location.name", lambda v: p.bounded(p.text(v), 300), place.get("name")
        )
        values.update(at("location.address", address, place.get("address")) or address(None))
    if _drop_online(values):
        return True
    geo = node(place.get("geo"))
    lat, lon = at(
        "location", lambda g: p.latitude_longitude(g.get("latitude"), g.get("longitude")), geo
    )
    values["latitude"], values["longitude"] = lat, lon
    country = (values.get("country") or "US").strip().upper()
    if lat is None and country in _US:
        found = locate(values.get("city"), values.get("region"), values.get("postal_code"))
        if found is not None:
            values["latitude"], values["longitude"], how = found
            # popped by the importer, which reports it: an assumed value is never silent
            values[LOCATED] = how
    return False


def _drop_online(values: dict[str, Any]) -> bool:
    online = False
    for key in ("venue", "city", "region", "street"):
        if online_words(values.get(key)):
            values[key] = None
            online = True
    if online and not (values["street"] or values["postal_code"]):
        values["venue"] = values["city"] = values["region"] = None
    return online


def address(raw: Any) -> dict[str, Any]:
    empty: dict[str, Any] = dict.fromkeys(("street", "city", "region", "postal_code", "country"))
    if raw is None:
        return empty
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if not isinstance(raw, dict):
        empty["street"] = p.bounded(p.text(raw), 300)
        return empty
    obj = node(raw)
    country = obj.get("addressCountry")
    return {
        "street": at(
            "streetAddress", lambda v: p.bounded(p.text(v), 300), obj.get("streetAddress")
        ),
        "city": at(
            "addressLocality", lambda v: p.bounded(p.text(v), 120), obj.get("addressLocality")
        ),
        "region": at(
            "addressRegion", lambda v: p.bounded(p.text(v), 120), obj.get("addressRegion")
        ),
        "postal_code": at("postalCode", lambda v: p.bounded(p.text(v), 20), obj.get("postalCode")),
        "country": at("addressCountry", lambda v: p.bounded(text_name(v), 60), country),
    }
