"""Which countries a deployment dials: a deny-list of high-risk destinations by default, or an allow-list.

International revenue share fraud (IRSF): someone leases numbers in a country whose carriers pay a share of
each minute's termination fee, then makes free accounts call them. `HIGH_RISK_COUNTRIES` is refused unless
the deployer sets an allow-list (CALL_ALLOWED_COUNTRIES), which replaces it, or a deny-list of their own
(CALL_DENIED_COUNTRIES; `none` for none). Where the list comes from and how to keep it: docs/security.md.
"""

from __future__ import annotations

from calls_platform.domain.errors import ConfigurationError

LIST_REVIEWED = "2026-12-01"  # review with each release (docs/security.md says how)

# ISO 3166-1 alpha-2 regions, as phonenumbers names a number's region.
HIGH_RISK_COUNTRIES: frozenset[str] = frozenset(
    {
        # Named again and again as top IRSF terminations in public fraud reporting.
        "CU",  # Cuba
        "SO",  # Somalia
        "KP",  # North Korea
        "GN",  # Guinea
        "SL",  # Sierra Leone
        "LR",  # Liberia
        "GW",  # Guinea-Bissau
        "ST",  # Sao Tome and Principe
        "TD",  # Chad
        "CF",  # Central African Republic
        "KM",  # Comoros
        "ER",  # Eritrea
        "DJ",  # Djibouti
        "MR",  # Mauritania
        "SS",  # South Sudan
        # Small island networks with some of the highest termination rates, advertised by IPRN ranges.
        "TV",  # Tuvalu
        "NR",  # Nauru
        "NU",  # Niue
        "TK",  # Tokelau
        "CK",  # Cook Islands
        "KI",  # Kiribati
        "SB",  # Solomon Islands
        "VU",  # Vanuatu
        "PG",  # Papua New Guinea
        "WF",  # Wallis and Futuna
        "FM",  # Micronesia
        "MH",  # Marshall Islands
        "PW",  # Palau
        "NF",  # Norfolk Island (+672, also Antarctica's bases)
        "SH",  # Saint Helena, Ascension, Tristan da Cunha (+290, +247)
        "AC",  # Ascension Island (+247)
        "TA",  # Tristan da Cunha (+290 8)
        "FK",  # Falkland Islands
        "IO",  # Diego Garcia (+246)
    }
)


def countries(raw: str, name: str) -> frozenset[str]:
    """A comma-separated list of ISO codes from the environment (`none`: the empty list)."""
    if raw.strip().lower() == "none":
        return frozenset()
    codes = frozenset(c.strip().upper() for c in raw.split(",") if c.strip())
    wrong = sorted(c for c in codes if len(c) != 2 or not c.isascii() or not c.isalpha())
    if wrong:
        raise ConfigurationError(f"{name} must list two-letter ISO country codes; not {', '.join(wrong)}")
    return codes
