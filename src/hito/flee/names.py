"""Flee names in hito: the column names of Flee's files, country codes, unique place ids."""

from __future__ import annotations

import re

LOCATION_COLUMNS = [
    "name",
    "region",
    "country",
    "latitude",
    "longitude",
    "location_type",
    "conflict_date",
    "population",
]
# the words flee/flee.py Location.__init__ looks for in a location type (in this order)
LOCATION_TYPE_WORDS = ("camp", "conflict", "forward", "marker", "default", "town")
ROUTE_COLUMNS = ["name1", "name2", "distance", "forced_redirection"]
COUNTRIES = {
    "mali": "MLI",
    "mauritania": "MRT",
    "burkina_faso": "BFA",
    "niger": "NER",
    "burundi": "BDI",
    "rwanda": "RWA",
    "tanzania": "TZA",
    "uganda": "UGA",
    "drc": "COD",
    "dr_congo": "COD",
    "democratic_republic_of_the_congo": "COD",
    "south_sudan": "SSD",
    "sudan": "SDN",
    "ethiopia": "ETH",
    "kenya": "KEN",
    "central_african_republic": "CAF",
    "car": "CAF",
    "chad": "TCD",
    "cameroon": "CMR",
    "nigeria": "NGA",
    "syria": "SYR",
    "iraq": "IRQ",
    "turkey": "TUR",
    "lebanon": "LBN",
    "jordan": "JOR",
    "ukraine": "UKR",
    "poland": "POL",
    "moldova": "MDA",
    "romania": "ROU",
    "hungary": "HUN",
    "slovakia": "SVK",
    "somalia": "SOM",
    "yemen": "YEM",
    "afghanistan": "AFG",
    "pakistan": "PAK",
    "iran": "IRN",
    "venezuela": "VEN",
    "colombia": "COL",
    "peru": "PER",
    "chile": "CHL",
    "ecuador": "ECU",
    "brazil": "BRA",
    "bolivia": "BOL",
    "myanmar": "MMR",
    "bangladesh": "BGD",
    "mozambique": "MOZ",
    "malawi": "MWI",
    "zambia": "ZMB",
    "zimbabwe": "ZWE",
    "congo": "COG",
    "gabon": "GAB",
    "senegal": "SEN",
    "guinea": "GIN",
    "ghana": "GHA",
    "eritrea": "ERI",
    "djibouti": "DJI",
    "libya": "LBY",
    "algeria": "DZA",
    "egypt": "EGY",
}


def country_code(name: str) -> str:
    """ISO 3166 alpha-3 code of a Flee country name (``XXX`` when unknown)."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if re.fullmatch(r"[a-z]{3}", key) and key.upper() in COUNTRIES.values():
        return key.upper()
    return COUNTRIES.get(key, "XXX")


def slug(name: str, taken: set[str]) -> str:
    """A hito id for a Flee name: lower case, [a-z0-9_-], unique within ``taken``."""
    s = re.sub(r"[^a-z0-9_\-]+", "_", name.strip().lower()).strip("_-") or "x"
    if not s[0].isalnum():
        s = "x" + s
    s = s[:60]
    out, k = s, 2
    while out in taken:
        out, k = f"{s}-{k}", k + 1
    taken.add(out)
    return out


def one_letter(name: str) -> bool:
    """Whether Flee 3.1 can find a link to ``name`` to close or reopen.

    Ecosystem._remove_link_1way and _reopen_link_1way compare names with ``is not``
    (identity, not equality); a closures.csv cell and a locations.csv cell are distinct
    string objects except where CPython keeps one shared object: a one-character string
    below U+0100. So a link closure acts only on the link from name2 to a one-letter
    name1, and on nothing otherwise.
    """
    return len(name) == 1 and ord(name) < 0x100
