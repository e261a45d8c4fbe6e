"""Phone numbers: the API takes E.164 only (`+<country code><number>`), as the product guide says."""

import re
from typing import TYPE_CHECKING

from calls_platform.domain.destinations import HIGH_RISK_COUNTRIES
from calls_platform.domain.errors import DestinationNotAllowed, ValidationError

if TYPE_CHECKING:
    import phonenumbers

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")  # ASCII digits only: \d also matches other scripts
_FORMAT_HINT = "use the international E.164 format +<country_code><number>, e.g. +491512345678"


def parse_e164(raw: object) -> str:
    """The number as given if it is a possible E.164 number; otherwise ValidationError with the format.

    `is_possible_number` rather than `is_valid_number`: the guide's own example (+491512345678) is possible
    but not valid by the metadata, and metadata lags real numbering plans.
    """
    if raw is None or raw == "":
        raise ValidationError("phone_number is required")
    if not isinstance(raw, str):
        raise ValidationError(f"phone_number must be a string; {_FORMAT_HINT}")
    if not _E164.fullmatch(raw):
        raise ValidationError(f"invalid phone_number: {_FORMAT_HINT}")
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"invalid phone_number: {_FORMAT_HINT}") from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(f"invalid phone_number: not a possible number; {_FORMAT_HINT}")
    return raw


# Toll fraud: numbers that earn their owner money per minute are refused by default. phonenumbers knows
# each country's premium-rate, shared-cost and personal-number ranges; its region "001" holds the
# international networks (satellite +881/+870, +882/+883 networks, +979 international premium rate).
_HIGH_COST_TYPES = ("PREMIUM_RATE", "SHARED_COST", "PERSONAL_NUMBER", "UAN")
_INTERNATIONAL_NETWORKS = "001"


def check_destination(
    number: str, countries: frozenset[str] = frozenset(), denied: frozenset[str] = HIGH_RISK_COUNTRIES
) -> None:
    """DestinationNotAllowed for a high-cost number, or one outside `countries` (ISO regions) when given, or,
    without an allow-list, one in a `denied` country (by default the high-risk ones, domain.destinations)."""
    import phonenumbers

    parsed = phonenumbers.parse(number, None)
    region = phonenumbers.region_code_for_country_code(parsed.country_code or 0)  # parse() always sets it
    if region == _INTERNATIONAL_NETWORKS:
        raise DestinationNotAllowed("calls to satellite and international network numbers are not allowed")
    kind = phonenumbers.number_type(parsed)
    if kind in {getattr(phonenumbers.PhoneNumberType, name) for name in _HIGH_COST_TYPES} or _in_high_cost_range(
        parsed, region
    ):
        raise DestinationNotAllowed("calls to premium-rate, shared-cost and personal numbers are not allowed")
    country = phonenumbers.region_code_for_number(parsed) or region
    if countries and country not in countries:
        raise DestinationNotAllowed(f"calls to this country are not allowed; allowed: {', '.join(sorted(countries))}")
    if not countries and country in denied:
        raise DestinationNotAllowed("calls to this country are not allowed: a high-risk destination for toll fraud")


def _in_high_cost_range(parsed: "phonenumbers.PhoneNumber", main_region: str) -> bool:
    """Whether the number's leading digits fall in a high-cost range of its country, whatever its length.

    `number_type` classifies only numbers of exactly the right length; a premium number a digit short is
    "possible" but of no known type, and one with digits added often still reaches the premium line (exchanges
    ignore trailing digits). So: refused if the number could be the start of a high-cost number (a partial
    match of the range's pattern) or if one of its leading parts is one (a full match of a truncation).
    """
    import phonenumbers
    import regex  # partial matching, which the standard library's re lacks

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(
        phonenumbers.region_code_for_number(parsed) or main_region
    )
    if metadata is None:
        return False
    national = phonenumbers.national_significant_number(parsed)
    for name in ("premium_rate", "shared_cost", "personal_number", "uan"):
        pattern = getattr(metadata, name, None) and getattr(metadata, name).national_number_pattern
        if not pattern:
            continue
        if regex.fullmatch(pattern, national, partial=True):
            return True
        if any(regex.fullmatch(pattern, national[:end]) for end in range(1, len(national))):
            return True
    return False


def mask(number: str | None) -> str:
    """For logs: all but the last four digits hidden."""
    if not number:
        return ""
    return "*" * max(0, len(number) - 4) + number[-4:]


# A run of 8 to 15 digits, maybe led by + and split by spaces, dots, dashes or brackets, not inside a word
# (Twilio's SIDs are letters and hex digits): what a phone number in free text looks like.
_NUMBER_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])\+?[0-9](?:[ ().-]?[0-9]){7,14}(?![A-Za-z0-9])")


def mask_numbers(text: str | None) -> str:
    """For logs: every phone number in free text (e.g. a provider's error message) masked like `mask`."""
    if not text:
        return ""
    return _NUMBER_IN_TEXT.sub(lambda m: mask("".join(c for c in m.group() if c.isdigit() or c == "+")), text)
