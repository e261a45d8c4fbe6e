"""E.164 phone numbers: what is accepted, and masking in logs (`domain/phone.py`)."""

import pytest

from calls_platform.domain.errors import ValidationError
from calls_platform.domain.phone import mask, parse_e164


@pytest.mark.parametrize("number", ["+491512345678", "+4915123456789", "+14155550123"])
def test_e164_numbers_are_accepted_as_given(number):
    assert parse_e164(number) == number


@pytest.mark.parametrize(
    "number",
    [
        "491512345678",  # no plus: the guide's "wrong" example
        "+49 151 2345678",  # spaces: the guide's other "wrong" example
        "+0491512345678",  # country codes never start with 0
        "+4915",  # too short
        "+4915123456789012",  # longer than E.164 allows
        "+\u0664\u0669\u0661\u0665\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",  # Arabic-Indic digits
        "+491512345678\n",
        "+99912345678",  # no such country code: not a possible number
    ],
)
def test_other_shapes_are_refused_with_the_expected_format(number):
    with pytest.raises(ValidationError) as caught:
        parse_e164(number)
    assert "+<country_code><number>" in caught.value.message


@pytest.mark.parametrize("value, message", [(None, "phone_number is required"), ("", "phone_number is required")])
def test_missing_number(value, message):
    with pytest.raises(ValidationError, match=message):
        parse_e164(value)


@pytest.mark.parametrize("value", [491512345678, ["+491512345678"], {"n": 1}, True])
def test_non_strings_are_refused(value):
    with pytest.raises(ValidationError, match="must be a string"):
        parse_e164(value)


def test_mask_keeps_only_the_last_four_digits():
    assert mask("+491512345678") == "*********5678"
    assert mask(None) == ""


def test_numbers_in_free_text_are_masked_but_codes_and_sids_are_not():
    from calls_platform.domain.phone import mask_numbers

    text = "code 21215: Account not authorized to call +4915123456789 (or +49 151 2345678) for CA1234567890abcdef1234"
    masked = mask_numbers(text)
    assert "512345" not in masked and "151 2345" not in masked
    assert "**********6789" in masked and "21215" in masked and "CA1234567890abcdef1234" in masked
    assert mask_numbers(None) == ""
