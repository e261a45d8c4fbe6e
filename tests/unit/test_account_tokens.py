"""Account tokens and the language of emails (`domain/accounts.py`, `use_cases/emails.py`)."""

import base64

import pytest

from calls_platform.domain.accounts import (
    TokenPurpose,
    choose_language,
    new_login_code,
    new_token,
    parse_login_code,
    parse_token,
    token_hash,
)
from calls_platform.domain.errors import InvalidToken, ValidationError
from calls_platform.use_cases import emails


def test_tokens_carry_256_random_bits_in_one_spelling():
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for token in list(tokens)[:50]:
        assert len(base64.urlsafe_b64decode(token + "=")) == 32 and parse_token(token) == token


@pytest.mark.parametrize(
    "spelling",
    ["", " " + "A" * 43, "A" * 43 + "=", "A" * 42, "A" * 44, "A" * 42 + "+", "A" * 42 + "/", "A" * 42 + "\u0410"],
)
def test_any_other_spelling_is_refused(spelling):
    with pytest.raises((InvalidToken, ValidationError)):
        parse_token(spelling)


def test_a_token_is_stored_only_as_a_hash_of_its_purpose_and_scope():
    token = new_token()
    hashed = token_hash(token, TokenPurpose.PASSWORD_RESET)
    assert token not in hashed and len(hashed) == 64
    assert hashed != token_hash(token, TokenPurpose.VERIFY_EMAIL)
    assert token_hash("12345678", TokenPurpose.LOGIN_CODE, "a") != token_hash("12345678", TokenPurpose.LOGIN_CODE, "b")


def test_lifetimes_are_at_most_what_the_rules_allow():
    assert TokenPurpose.PASSWORD_RESET.lifetime.total_seconds() <= 30 * 60
    assert TokenPurpose.VERIFY_EMAIL.lifetime.total_seconds() <= 24 * 3600


def test_sign_in_codes_are_eight_digits():
    assert all(parse_login_code(new_login_code()) for _ in range(100))
    assert parse_login_code(None) is None
    for bad in ("1234567", "123456789", "abcdefgh", 12345678):
        with pytest.raises(ValidationError):
            parse_login_code(bad)


@pytest.mark.parametrize(
    ("explicit", "header", "language"),
    [
        (None, None, "en"),
        (None, "ru-RU,ru;q=0.9", "ru"),
        (None, "de-DE, ru;q=0.5, en;q=0.4", "ru"),
        (None, "fr", "en"),
        ("en", "ru", "en"),
        ("ru", None, "ru"),
    ],
)
def test_the_emails_language(explicit, header, language):
    assert choose_language(explicit, header) == language


def test_an_unknown_explicit_language_is_refused():
    with pytest.raises(ValidationError):
        choose_language("de", None)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_each_email_names_its_link_once_in_both_languages(language):
    link = "https://page.example/#reset=" + "A" * 43
    for email in (
        emails.verification("a@example.com", language, link),
        emails.password_reset("a@example.com", language, link),
    ):
        assert email.text.count(link) == 1 and email.link == link
    code = emails.login_code("a@example.com", language, "01234567")
    assert code.text.count("01234567") == 1 and code.code == "01234567" and code.link is None


def test_a_revoked_family_stays_revoked_as_long_as_a_refresh_token_lives():
    from calls_platform.adapters import tokens
    from calls_platform.adapters.postgres import accounts

    assert accounts.REFRESH_TTL_SECONDS == tokens.REFRESH_TTL_SECONDS
