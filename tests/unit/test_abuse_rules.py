"""The domain rules behind the abuse limits, without I/O."""

import base64
import json

import pytest

from calls_platform.domain.destinations import countries
from calls_platform.domain.errors import ConfigurationError, DestinationNotAllowed, ValidationError
from calls_platform.domain.history import decode_cursor
from calls_platform.domain.phone import check_destination
from calls_platform.domain.users import canonical_email, check_new_password, login_password, normalize_email


@pytest.mark.parametrize("number", ["+19002345678", "+449012345678", "+34901123456", "+881612345678", "+870301234567"])
def test_high_cost_numbers_are_refused(number):
    with pytest.raises(DestinationNotAllowed):
        check_destination(number)


# A digit short of, or digits past, a premium/shared-cost/personal number: no type by the metadata, but the
# leading digits are in the range (found by an attack on `make run`: all of these were dialled).
@pytest.mark.parametrize(
    "number",
    [
        "+49900123456",  # DE 0900, one digit short
        "+4990012345678",  # DE 0900, one digit too many
        "+44909123456",  # UK 0909, short
        "+4490911112",  # UK 0909, shorter
        "+3989912345",  # IT 899
        "+4390012345",  # AT 0900
        "+4870011112",  # PL 700
        "+61190111112",  # AU 190
    ],
)
def test_numbers_in_a_high_cost_range_are_refused_whatever_their_length(number):
    with pytest.raises(DestinationNotAllowed):
        check_destination(number)


@pytest.mark.parametrize("number", ["+4915123456789", "+447400123456", "+79123456789", "+33612345678", "+12125550123"])
def test_ordinary_mobile_and_landline_numbers_are_not_caught_by_the_range_check(number):
    check_destination(number)


def test_ordinary_numbers_pass_and_an_allow_list_limits_countries():
    check_destination("+491512345678")  # the guide's example (not valid by the metadata, still allowed)
    check_destination("+14155552671")
    check_destination("+491512345678", frozenset({"DE"}))
    with pytest.raises(DestinationNotAllowed, match="DE"):
        check_destination("+14155552671", frozenset({"DE"}))


@pytest.mark.parametrize("number", ["+5351234567", "+25271123456", "+8501921234567", "+688901234", "+24740123"])
def test_high_risk_countries_are_denied_unless_an_allow_list_or_another_deny_list_is_set(number):
    with pytest.raises(DestinationNotAllowed, match="high-risk"):
        check_destination(number)
    check_destination(number, frozenset({"CU", "SO", "KP", "TV", "AC"}))
    check_destination(number, denied=frozenset())


def test_country_lists_from_the_environment():
    assert countries(" de, at ", "X") == {"DE", "AT"} and countries("none", "X") == frozenset()
    with pytest.raises(ConfigurationError, match="X must list two-letter"):
        countries("DE,Germany", "X")


def test_one_canonical_spelling_of_an_email():
    assert canonical_email("ＶＩＣＴＩＭ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "victim@example.com"
    assert canonical_email("Straße@Example.de") == "strasse@example.de"
    assert canonical_email("vİctim@example.com") != "victim@example.com"  # a different address, not a split key


@pytest.mark.parametrize("email", ["a@example.com.", "p\u0430ypal@example.com"])
def test_trailing_dots_and_mixed_scripts_are_refused(email):
    with pytest.raises(ValidationError):
        normalize_email(email)


@pytest.mark.parametrize("check", [check_new_password, login_password])
def test_lone_surrogates_in_passwords_are_refused_without_echoing_them(check):
    with pytest.raises(ValidationError) as raised:
        check("\ud800password")
    assert "\ud800" not in raised.value.message


@pytest.mark.parametrize(
    "payload",
    [
        json.dumps(["0001-01-01T00:00:00+14:00", "00000000-0000-0000-0000-000000000001"]).encode(),
        json.dumps(["2026-01-01T00:00:00+00:00", 123]).encode(),
        json.dumps(["2026-01-01T00:00:00+00:00", {}]).encode(),
        b"[" * 3000,
    ],
)
def test_hostile_cursors_are_validation_errors(payload):
    with pytest.raises(ValidationError):
        decode_cursor(base64.urlsafe_b64encode(payload).decode().rstrip("="))
