"""Real US cities: coordinates, time zone, one representative ZIP code and a population weight.

Public geographic facts used by the sample catalog, the synthetic generator and search.
Coordinates are those of the representative ZIP code (checked against the ``zipcodes``
package); ``population`` is a rough metro population in thousands, used only to skew
synthetic data towards big cities (suburbs listed separately carry their own share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    latitude: float
    longitude: float
    timezone: str
    zip_code: str
    population: int

    @property
    def key(self) -> str:
        """A stable id such as ``tampa-fl`` or ``st-petersburg-fl``."""
        word = "".join(c if c.isalnum() else "-" for c in self.city.lower())
        return "-".join(filter(None, word.split("-"))) + "-" + self.state.lower()


PLACES: tuple[Place, ...] = (
    Place("New York", "NY", 40.7484, -73.9967, "America/New_York", "10001", 19500),
    Place("Los Angeles", "CA", 34.0614, -118.2385, "America/Los_Angeles", "90012", 12800),
    Place("Chicago", "IL", 41.8858, -87.6181, "America/Chicago", "60601", 9400),
    Place("Dallas", "TX", 32.7904, -96.8044, "America/Chicago", "75201", 6200),
    Place("Fort Worth", "TX", 32.7589, -97.3280, "America/Chicago", "76102", 1700),
    Place("Houston", "TX", 29.7594, -95.3594, "America/Chicago", "77002", 7300),
    Place("Washington", "DC", 38.9122, -77.0177, "America/New_York", "20001", 6300),
    Place("Philadelphia", "PA", 39.9513, -75.1741, "America/New_York", "19103", 6200),
    Place("Miami", "FL", 25.7629, -80.1895, "America/New_York", "33131", 4200),
    Place("Fort Lauderdale", "FL", 26.1216, -80.1288, "America/New_York", "33301", 1900),
    Place("Atlanta", "GA", 33.7525, -84.3888, "America/New_York", "30303", 6200),
    Place("Boston", "MA", 42.3576, -71.0684, "America/New_York", "02108", 4900),
    Place("Phoenix", "AZ", 33.4557, -112.0686, "America/Phoenix", "85004", 5000),
    Place("San Francisco", "CA", 37.7725, -122.4147, "America/Los_Angeles", "94103", 4600),
    Place("Detroit", "MI", 42.3333, -83.0484, "America/Detroit", "48226", 4300),
    Place("Seattle", "WA", 47.6114, -122.3305, "America/Los_Angeles", "98101", 4000),
    Place("Minneapolis", "MN", 44.9835, -93.2683, "America/Chicago", "55401", 3700),
    Place("San Diego", "CA", 32.7185, -117.1593, "America/Los_Angeles", "92101", 3300),
    Place("Tampa", "FL", 27.9614, -82.4597, "America/New_York", "33602", 2600),
    Place("St. Petersburg", "FL", 27.7723, -82.6386, "America/New_York", "33701", 700),
    Place("Denver", "CO", 39.7491, -104.9946, "America/Denver", "80202", 3000),
    Place("Baltimore", "MD", 39.2998, -76.6075, "America/New_York", "21202", 2800),
    Place("St. Louis", "MO", 38.6346, -90.1913, "America/Chicago", "63101", 2800),
    Place("Orlando", "FL", 28.5399, -81.3727, "America/New_York", "32801", 2700),
    Place("Charlotte", "NC", 35.2290, -80.8419, "America/New_York", "28202", 2700),
    Place("San Antonio", "TX", 29.4237, -98.4925, "America/Chicago", "78205", 2600),
    Place("Portland", "OR", 45.5207, -122.6888, "America/Los_Angeles", "97205", 2500),
    Place("Sacramento", "CA", 38.5804, -121.4922, "America/Los_Angeles", "95814", 2400),
    Place("Pittsburgh", "PA", 40.4477, -79.9933, "America/New_York", "15222", 2400),
    Place("Austin", "TX", 30.2713, -97.7426, "America/Chicago", "78701", 2100),
    Place("Round Rock", "TX", 30.5145, -97.6680, "America/Chicago", "78664", 300),
    Place("Las Vegas", "NV", 36.1721, -115.1224, "America/Los_Angeles", "89101", 2300),
    Place("Cincinnati", "OH", 39.1072, -84.5020, "America/New_York", "45202", 2300),
    Place("Kansas City", "MO", 39.1052, -94.5699, "America/Chicago", "64106", 2200),
    Place("Columbus", "OH", 39.9671, -83.0044, "America/New_York", "43215", 2100),
    Place("Indianapolis", "IN", 39.7720, -86.1535, "America/Indiana/Indianapolis", "46204", 2100),
    Place("Cleveland", "OH", 41.4816, -81.7018, "America/New_York", "44113", 2100),
    Place("San Jose", "CA", 37.3329, -121.8916, "America/Los_Angeles", "95113", 2000),
    Place("Nashville", "TN", 36.1504, -86.7916, "America/Chicago", "37203", 2000),
    Place("Virginia Beach", "VA", 36.8585, -76.0019, "America/New_York", "23451", 1800),
    Place("Providence", "RI", 41.8200, -71.4158, "America/New_York", "02903", 1700),
    Place("Jacksonville", "FL", 30.3299, -81.6517, "America/New_York", "32202", 1700),
    Place("Milwaukee", "WI", 43.0506, -87.8968, "America/Chicago", "53202", 1600),
    Place("Raleigh", "NC", 35.7727, -78.6324, "America/New_York", "27601", 1500),
    Place("Oklahoma City", "OK", 35.4726, -97.5199, "America/Chicago", "73102", 1400),
    Place("Memphis", "TN", 35.1440, -90.0480, "America/Chicago", "38103", 1300),
    Place("Richmond", "VA", 37.5463, -77.4378, "America/New_York", "23219", 1300),
    Place("Louisville", "KY", 38.2507, -85.7476, "America/Kentucky/Louisville", "40202", 1300),
    Place("New Orleans", "LA", 29.9605, -90.0753, "America/Chicago", "70112", 1000),
    Place("Salt Lake City", "UT", 40.7548, -111.8810, "America/Denver", "84111", 1300),
    Place("Hartford", "CT", 41.7672, -72.6760, "America/New_York", "06103", 1200),
    Place("Birmingham", "AL", 33.5210, -86.8066, "America/Chicago", "35203", 1100),
    Place("Buffalo", "NY", 42.8870, -78.8779, "America/New_York", "14202", 1200),
    Place("Rochester", "NY", 43.1577, -77.6080, "America/New_York", "14604", 1100),
    Place("Tucson", "AZ", 32.2139, -110.9694, "America/Phoenix", "85701", 1000),
    Place("Honolulu", "HI", 21.3179, -157.8521, "Pacific/Honolulu", "96813", 1000),
    Place("Omaha", "NE", 41.2590, -95.9409, "America/Chicago", "68102", 970),
    Place("Albuquerque", "NM", 35.0818, -106.6482, "America/Denver", "87102", 920),
    Place("Boise", "ID", 43.6322, -116.2052, "America/Boise", "83702", 800),
    Place("Charleston", "SC", 32.7795, -79.9371, "America/New_York", "29401", 800),
    Place("Sarasota", "FL", 27.3269, -82.5433, "America/New_York", "34236", 850),
    Place("Des Moines", "IA", 41.5887, -93.6212, "America/Chicago", "50309", 720),
    Place("Little Rock", "AR", 34.7483, -92.2819, "America/Chicago", "72201", 750),
    Place("Wichita", "KS", 37.6899, -97.3355, "America/Chicago", "67202", 650),
    Place("Madison", "WI", 43.0775, -89.3831, "America/Chicago", "53703", 680),
    Place("Spokane", "WA", 47.6665, -117.4365, "America/Los_Angeles", "99201", 600),
    Place("Jackson", "MS", 32.2935, -90.1867, "America/Chicago", "39201", 580),
    Place("Portland", "ME", 43.6606, -70.2589, "America/New_York", "04101", 550),
    Place("Asheville", "NC", 35.5971, -82.5565, "America/New_York", "28801", 470),
    Place("Manchester", "NH", 42.9929, -71.4633, "America/New_York", "03101", 420),
    Place("Anchorage", "AK", 61.2225, -149.8677, "America/Anchorage", "99501", 400),
    Place("Boulder", "CO", 40.0172, -105.2851, "America/Denver", "80302", 330),
    Place("Evanston", "IL", 42.0546, -87.6943, "America/Chicago", "60201", 75),
    Place("Gainesville", "FL", 29.6489, -82.3250, "America/New_York", "32601", 340),
    Place("Baton Rouge", "LA", 30.4492, -91.1856, "America/Chicago", "70801", 870),
    Place("Eugene", "OR", 44.0682, -123.0819, "America/Los_Angeles", "97401", 380),
    Place("Ann Arbor", "MI", 42.2694, -83.7282, "America/Detroit", "48104", 370),
    Place("Wilmington", "DE", 39.7378, -75.5497, "America/New_York", "19801", 720),
    Place("Sioux Falls", "SD", 43.5514, -96.7375, "America/Chicago", "57104", 280),
    Place("Fargo", "ND", 46.9209, -96.8318, "America/Chicago", "58102", 250),
    Place("Charleston", "WV", 38.3490, -81.6306, "America/New_York", "25301", 250),
    Place("Billings", "MT", 45.7745, -108.5005, "America/Denver", "59101", 180),
    Place("Cheyenne", "WY", 41.1437, -104.7962, "America/Denver", "82001", 100),
    Place("Burlington", "VT", 44.4840, -73.2199, "America/New_York", "05401", 230),
    Place("Santa Fe", "NM", 35.6975, -105.9821, "America/Denver", "87501", 150),
)

BY_KEY: dict[str, Place] = {p.key: p for p in PLACES}
BY_ZIP: dict[str, Place] = {p.zip_code: p for p in PLACES}

EARTH_RADIUS_MILES = 3958.8


def place(key: str) -> Place:
    """The place with this key (``tampa-fl``); KeyError names the key when unknown."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown place {key!r}") from None


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in statute miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def near(latitude: float, longitude: float, miles: float) -> list[Place]:
    """Places within ``miles`` of a point, nearest first."""
    found = [(distance_miles(latitude, longitude, p.latitude, p.longitude), p) for p in PLACES]
    return [p for d, p in sorted(found, key=lambda x: x[0]) if d <= miles]


def locate(
    city: str | None, state: str | None, postal_code: str | None
) -> tuple[float, float, str] | None:
    """Approximate coordinates of a US address with no geo: its ZIP code's centre, else its
    city's (a listed city, else the first ZIP of that city), with how it was found."""
    import zipcodes

    code = (postal_code or "").strip()[:5]
    if len(code) == 5 and code.isdigit():
        try:
            found = zipcodes.matching(code)  # type: ignore[no-untyped-call]
        except (ValueError, TypeError):
            found = []
        located = [z for z in found if z.get("lat") and z.get("long")]
        if located:
            return float(located[0]["lat"]), float(located[0]["long"]), f"ZIP code {code}"
    if not city or not state:
        return None
    name, region = city.strip(), state.strip().upper()
    for p in PLACES:
        if p.city.lower() == name.lower() and p.state == region:
            return p.latitude, p.longitude, f"{p.city}, {p.state}"
    located = []
    for spelling in dict.fromkeys((name, name.title(), name.upper())):
        try:
            matches = zipcodes.filter_by(city=spelling, state=region)  # type: ignore[no-untyped-call]
        except (ValueError, TypeError):
            matches = []
        located = [m for m in matches if m.get("lat") and m.get("long")]
        if located:
            break
    if not located:
        return None
    first = located[0]
    return float(first["lat"]), float(first["long"]), f"{first['city']}, {region}"
