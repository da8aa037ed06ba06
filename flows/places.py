"""Countries for local help lines: a country from an IANA time zone, names, and typed names.

The tables come from the tz database shipped in the `tzdata` package (already a dependency
for time zones): `zone.tab` gives the one country each zone belongs to, `iso3166.tab` a short
English name for every ISO 3166 code. When the package cannot be read, a small built-in map
covers the zones of the countries we have help lines for.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

# Used only when tzdata's tables are missing (e.g. a stripped-down install).
_FALLBACK_ZONES = {
    "America/New_York": "US",
    "America/Chicago": "US",
    "America/Denver": "US",
    "America/Los_Angeles": "US",
    "America/Toronto": "CA",
    "America/Vancouver": "CA",
    "Europe/London": "GB",
    "Europe/Dublin": "IE",
    "Europe/Berlin": "DE",
    "Europe/Paris": "FR",
    "Europe/Madrid": "ES",
    "Europe/Rome": "IT",
    "Europe/Amsterdam": "NL",
    "Australia/Sydney": "AU",
    "Australia/Melbourne": "AU",
    "Pacific/Auckland": "NZ",
    "Asia/Kolkata": "IN",
    "America/Sao_Paulo": "BR",
    "America/Mexico_City": "MX",
    "Africa/Johannesburg": "ZA",
    "Asia/Manila": "PH",
    "Africa/Lagos": "NG",
}
# Names people type that are not the tz database's own ("UK", "England").
_ALIASES = {
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "holland": "NL",
    "the netherlands": "NL",
}
# How close a typed name must be to a known one (rapidfuzz WRatio, 0-100).
NAME_MATCH_CUTOFF = 88


def _table(name: str) -> list[list[str]]:
    """The rows of one tzdata table (tab-separated, comments skipped); [] if it is missing."""
    try:
        text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return []
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _zone_countries() -> dict[str, str]:
    rows = _table("zone.tab")
    found = {row[2]: row[0] for row in rows if len(row) >= 3}
    return found or dict(_FALLBACK_ZONES)


@cache
def _country_names() -> dict[str, str]:
    return {row[0]: row[1] for row in _table("iso3166.tab") if len(row) >= 2}


def country_for_zone(zone: str | None) -> str | None:
    """The ISO country code of an IANA zone ("Europe/London" gives "GB"); None if unknown."""
    if not zone:
        return None
    return _zone_countries().get(zone)


def is_country(code: str) -> bool:
    """Whether `code` is a known two-letter country code."""
    names = _country_names()
    return code in names if names else len(code) == 2 and code.isalpha() and code.isupper()


def tz_country_name(code: str) -> str:
    """The tz database's English name for a country code (the code itself if unknown)."""
    return _country_names().get(code, code)


def match_country(typed: str, names: dict[str, str]) -> str | None:
    """The country code someone typed, by code or (nearly) by name; None if unclear.

    `names` are our own names by code (from content); the tz database's names are tried too.
    """
    wanted = " ".join(typed.casefold().replace(".", " ").split())
    if not wanted:
        return None
    if len(wanted) == 2 and is_country(wanted.upper()):
        return wanted.upper()
    if wanted in _ALIASES:
        return _ALIASES[wanted]
    choices: dict[str, str] = {}  # a name, casefolded -> its code
    for code, name in _country_names().items():
        choices[name.casefold()] = code
    for code, name in names.items():
        choices[name.casefold()] = code
    for alias, code in _ALIASES.items():
        choices[alias] = code
    best = process.extractOne(
        wanted, list(choices), scorer=fuzz.WRatio, score_cutoff=NAME_MATCH_CUTOFF
    )
    return choices[best[0]] if best else None
