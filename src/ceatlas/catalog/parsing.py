"""Scalar parsers for what publishers actually write: dates, durations, prices, modes.

Each parser raises ``RecordError("", reason)``; callers place the error at its field.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ceatlas.catalog.records import RecordError

_ISO_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
_TEXT_DURATION = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>weeks?|wks?|days?|hours?|hrs?|h|minutes?|mins?)\b",
    re.IGNORECASE,
)
_UNIT_HOURS = {"w": Decimal(168), "d": Decimal(24), "h": Decimal(1), "m": Decimal(1) / 60}
_TEXT_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y")
_MONEY_NOISE = re.compile(r"[\s$€£¥円,]|USD|US\$|EUR|GBP|JPY", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"^[^.,]*\d,\d{2}\s*(?:€|EUR)?$", re.IGNORECASE)
#: currency symbols publishers put in priceCurrency, and the ISO 4217 code each stands for
CURRENCY_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "円": "JPY",
    "₹": "INR",
}
_UNPADDED_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|T)")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_ALIASES = {d.lower(): d for d in WEEKDAYS} | {d[:3].lower(): d for d in WEEKDAYS}


_MEMO_LIMIT = 50_000
F = TypeVar("F", bound=Callable[..., Any])


def memo_text(parse: F) -> F:
    """Remember results for text and number inputs: catalogs repeat dates, prices, durations.

    Results are immutable (Decimal, date, time, str, tuples of them), so sharing is safe.
    Errors are not remembered; the memo is bounded so a hostile file cannot grow it.
    Only single-argument calls are remembered; one memo per input type keeps 1, 1.0 and
    "1" apart.
    """
    memos: dict[type, dict[Any, Any]] = {str: {}, int: {}, float: {}}

    @functools.wraps(parse)
    def wrapper(value: Any, *args: Any, **kwargs: Any) -> Any:
        memo = memos.get(type(value))
        if memo is None or args or kwargs:
            return parse(value, *args, **kwargs)
        found = memo.get(value, _MISSING)
        if found is _MISSING:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            found = memo[value] = parse(value)
        return found

    return cast(F, wrapper)


_MISSING: Any = object()


# Control characters other than whitespace carry no meaning in a catalog, and PostgreSQL
# refuses NUL in text: they are dropped everywhere text is read.
CONTROL = dict.fromkeys([*range(0, 9), *range(14, 32), 127])


_MARKUP = re.compile(r"<[A-Za-z/!][^>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]{2,8});")
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|ul|ol|blockquote)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain(value: str) -> str:
    """Text with HTML turned into clean text: tags dropped (paragraph and line breaks kept as
    new lines), entities decoded (also when escaped twice, as some plugins print them),
    no-break spaces made spaces. Text without markup comes back unchanged."""
    if "<" not in value and "&" not in value:
        return value
    for _ in range(2):  # "&lt;p&gt;" is a <p> escaped once more
        if not _MARKUP.search(value):
            break
        value = _BLOCK_END.sub("\n", value)
        value = _TAG.sub("", value)
        value = html.unescape(value)
    value = value.replace("\\n", "\n")  # a literal backslash-n some plugins leave
    return value.replace("\u00a0", " ")


def plain_strings(value: Any) -> Any:
    """``plain`` applied to every string of a document read from a web page."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        return {k: plain_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_strings(v) for v in value]
    return value


def text(value: Any) -> str | None:
    """A trimmed string with runs of whitespace collapsed, or None when empty."""
    if type(value) is str:
        return " ".join(value.translate(CONTROL).split()) or None
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
        if value is None:
            return None
    if isinstance(value, list):
        parts = [t for t in (text(v) for v in value) if t]
        return parts[0] if parts else None
    if isinstance(value, bool):
        raise RecordError("", f"expected text, got {value!r}")
    cleaned = " ".join(str(value).translate(CONTROL).split())
    return cleaned or None


def long_text(value: Any) -> str | None:
    """Multi-line text: line breaks kept (at most one blank line), other whitespace collapsed."""
    raw = value.get("@value") if isinstance(value, dict) else value
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if raw is None:
        return None
    body = str(raw).translate(CONTROL).replace("\r\n", "\n")
    lines = [" ".join(line.split()) for line in body.split("\n")]
    joined = "\n".join(lines).strip()
    while "\n\n\n" in joined:
        joined = joined.replace("\n\n\n", "\n\n")
    return joined or None


def bounded(value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise RecordError("", f"is {len(value)} characters long; at most {limit} are allowed")
    return value


@memo_text
def decimal(
    value: Any, *, minimum: Decimal | None = Decimal(0), places: int | None = 2
) -> Decimal | None:
    """A number from a number, a numeric string or a StructuredValue/QuantitativeValue."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return decimal(value.get("value", value.get("@value")), minimum=minimum, places=places)
    if isinstance(value, list):
        return decimal(value[0], minimum=minimum, places=places) if value else None
    if isinstance(value, bool):
        raise RecordError("", f"expected a number, got {value!r}")
    raw = str(value).strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise RecordError("", f"expected a number, got {raw[:40]!r}") from None
    if not number.is_finite():
        raise RecordError("", f"expected a finite number, got {raw[:40]!r}")
    if minimum is not None and number < minimum:
        raise RecordError("", f"must be at least {minimum}, got {raw}")
    if abs(number) >= Decimal("1e9"):
        raise RecordError("", f"is implausibly large: {raw[:40]}")
    return number if places is None else number.quantize(Decimal(1).scaleb(-places))


@memo_text
def money(value: Any) -> Decimal | None:
    """A price: 395, "395", "$1,200.00", "Free"."""
    if isinstance(value, str):
        if _DECIMAL_COMMA.match(value.strip()):  # "€ 189,00": a decimal comma
            value = value.replace(".", "").replace(",", ".")
        cleaned = _MONEY_NOISE.sub("", value)
        if cleaned.lower() in {"free", "0"}:
            return Decimal("0.00")
        if cleaned == "":
            return None
        return decimal(cleaned)
    return decimal(value)


@memo_text
def currency(value: Any) -> str | None:
    code = text(value)
    if code is None:
        return None
    code = CURRENCY_SYMBOLS.get(code, code).upper()
    if not _CURRENCY.match(code):
        raise RecordError("", f"expected an ISO 4217 currency code such as USD, got {code[:20]!r}")
    return code


def integer(value: Any, *, minimum: int = 0) -> int | None:
    number = decimal(value, minimum=Decimal(minimum))
    if number is None:
        return None
    if number != number.to_integral_value():
        raise RecordError("", f"expected a whole number, got {number}")
    return int(number)


@memo_text
def hours_from_duration(value: Any) -> Decimal | None:
    """Hours from ISO 8601 (PT2H, P3D, P1DT2H30M) or text ("16 hours", "3 days")."""
    raw = text(value)
    if raw is None:
        return None
    match = _ISO_DURATION.match(raw)
    if match and any(match.groupdict().values()):
        parts = match.groupdict()
        total = (
            Decimal(parts["weeks"] or 0) * 168
            + Decimal(parts["days"] or 0) * 24
            + Decimal(parts["hours"] or 0)
            + Decimal(parts["minutes"] or 0) / 60
            + Decimal(parts["seconds"] or 0) / 3600
        )
        return total.quantize(Decimal("0.01"))
    found = _TEXT_DURATION.findall(raw)
    if found:
        total = sum((Decimal(n) * _UNIT_HOURS[unit[0].lower()] for n, unit in found), Decimal(0))
        return total.quantize(Decimal("0.01"))
    try:
        return decimal(raw)
    except RecordError:
        raise RecordError(
            "", f"expected a duration such as PT2H, P3D or '16 hours', got {raw[:40]!r}"
        ) from None


def days_from_duration(value: Any) -> int | None:
    hours = hours_from_duration(value)
    if hours is None:
        return None
    return int((hours / 24).to_integral_value())


def date_only(value: Any) -> dt.date | None:
    parsed = when(value)
    return parsed[0] if parsed else None


@memo_text
def when(value: Any) -> tuple[dt.date, dt.time | None, str | None] | None:
    """Local date, local time (if given) and UTC offset (if given) of a date or date-time."""
    raw = text(value)
    if raw is None:
        return None
    candidate = raw.replace("Z", "+00:00").replace("z", "+00:00")
    padded = _UNPADDED_DATE.match(candidate)
    if padded and len(padded.group(0)) < 10:  # 2020-11-4: pad month and day
        year, month, day = padded.groups()
        candidate = f"{year}-{int(month):02d}-{int(day):02d}" + candidate[padded.end() :]
    if len(candidate) == 10:
        try:
            return dt.date.fromisoformat(candidate), None, None
        except ValueError:
            pass
    else:
        try:
            moment = dt.datetime.fromisoformat(candidate)
        except ValueError:
            moment = None
        if moment is not None:
            offset = _format_offset(moment.utcoffset()) if moment.tzinfo else None
            return moment.date(), moment.time().replace(tzinfo=None, microsecond=0), offset
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date(), None, None
        except ValueError:
            continue
    raise RecordError("", f"expected an ISO 8601 date or date-time, got {raw[:40]!r}")


def _format_offset(delta: dt.timedelta | None) -> str | None:
    if delta is None:
        return None
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@memo_text
def timezone_name(value: Any) -> str | None:
    """An IANA zone name (America/Chicago) or a fixed offset (-05:00)."""
    name = text(value)
    if name is None:
        return None
    if _OFFSET.match(name):
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RecordError("", f"unknown time zone {name[:64]!r}") from None
    return name


@memo_text
def clock(value: Any) -> dt.time | None:
    raw = text(value)
    if raw is None:
        return None
    raw = raw.split("+")[0].split("Z")[0]
    for candidate in (raw, raw.upper()):
        for fmt in ("%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p"):
            try:
                return dt.datetime.strptime(candidate, fmt).time()
            except ValueError:
                continue
    raise RecordError("", f"expected a time of day such as 09:00, got {raw[:20]!r}")


def weekday(value: Any) -> str:
    raw = text(value) or ""
    name = raw.rsplit("/", 1)[-1].rsplit("#", 1)[-1].strip().lower()
    if name in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[name]
    raise RecordError("", f"expected a day of the week, got {raw[:30]!r}")


def latitude_longitude(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    latitude = decimal(lat, minimum=None, places=None)
    longitude = decimal(lon, minimum=None, places=None)
    if (latitude is None) != (longitude is None):
        raise RecordError("geo", "needs both latitude and longitude")
    if latitude is None or longitude is None:
        return None, None
    if not -90 <= latitude <= 90:
        raise RecordError("geo.latitude", f"must be between -90 and 90, got {latitude}")
    if not -180 <= longitude <= 180:
        raise RecordError("geo.longitude", f"must be between -180 and 180, got {longitude}")
    return float(latitude), float(longitude)


# courseMode words seen in the wild, folded to what they tell us.
_ONLINE = {
    "online",
    "distance learning",
    "distance",
    "mooc",
    "web",
    "e-learning",
    "elearning",
    "virtual",
    "remote",
    "internet",
    "webinar",
    "livestream",
    "live stream",
    "zoom",
}
_ONSITE = {
    "onsite",
    "on-site",
    "on site",
    "in person",
    "in-person",
    "face to face",
    "face-to-face",
    "classroom",
    "campus",
    "offline",
    "residential",
    "workshop",
}
_BLENDED = {"blended", "hybrid", "mixed", "blended learning"}
_LIVE = {"synchronous", "live", "webinar", "livestream", "live stream", "zoom", "live online"}
_SELF_PACED = {
    "asynchronous",
    "self-paced",
    "self paced",
    "on demand",
    "on-demand",
    "posted",
    "correspondence",
    "home study",
    "home-study",
    "recorded",
}
_OWN_MODES = {"self_paced_online", "live_online", "in_person", "hybrid"}


def mode_words(value: Any) -> list[str]:
    """courseMode as lower-case words, whether a string, a list or schema.org URLs."""
    items = value if isinstance(value, list) else [value]
    words = []
    for item in items:
        word = text(item)
        if word:
            words.append(word.rsplit("/", 1)[-1].strip().lower().replace("_", " "))
    return words


def session_mode(words: list[str], *, has_place: bool, has_clock: bool) -> str | None:
    """Fold courseMode words into one of our four modes; None when nothing tells."""
    own = {w.replace(" ", "_") for w in words} & _OWN_MODES
    if own:
        return sorted(own)[0]
    bag = set(words)
    if bag & _BLENDED or (bag & _ONLINE and bag & _ONSITE):
        return "hybrid"
    if bag & _ONLINE or bag & _SELF_PACED:
        if bag & _LIVE:
            return "live_online"
        if bag & _SELF_PACED:
            return "self_paced_online"
        return "live_online" if has_clock else "self_paced_online"
    if bag & _ONSITE or has_place:
        return "in_person"
    return None
