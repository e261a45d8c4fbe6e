"""Sign-up, login and who is calling (`use_cases/auth.py`), on in-memory fakes."""

import uuid

import pytest

from calls_platform.adapters.tokens import JwtTokens
from calls_platform.domain.errors import InvalidCredentials, Unauthorized, UserAlreadyExists, ValidationError
from calls_platform.use_cases import auth, signed_in
from tests.unit.fakes import world

SECRET = "unit-test-secret-with-at-least-32-characters"


@pytest.fixture
def fakes():
    """In-memory fakes of every port (tests/unit/fakes.py)."""
    return world()


@pytest.fixture
def deps(fakes):
    """What the auth use cases run on: the fakes, with real JWTs."""
    return fakes.auth_deps(JwtTokens(SECRET, 900))


def test_register_trims_email_and_never_stores_the_password(fakes, deps):
    user = auth.register(deps, "  Alice@Example.com ", "password123")
    assert user.email == "Alice@Example.com"
    assert "password123" not in user.password_hash


def test_email_is_unique_case_insensitively(deps):
    auth.register(deps, "alice@example.com", "password123")
    with pytest.raises(UserAlreadyExists):
        auth.register(deps, "ALICE@example.COM", "another-password")


@pytest.mark.parametrize("password", ["short", "1234567"])
def test_passwords_under_eight_characters_are_refused(deps, password):
    with pytest.raises(ValidationError, match="at least 8"):
        auth.register(deps, "a@example.com", password)


def test_long_passwords_without_composition_rules_are_accepted_whole(fakes, deps):
    long_password = "a" * 64 + " ünïcødé passphrase"
    auth.register(deps, "long@example.com", long_password)
    assert auth.login(deps, "long@example.com", long_password).access_token
    with pytest.raises(InvalidCredentials):  # not truncated: a prefix is a different password
        auth.login(deps, "long@example.com", long_password[:64])


@pytest.mark.parametrize("email", ["", None, "no-at-sign", "a@b", "two@@example.com", "sp ace@example.com", 42])
def test_bad_emails_are_refused(deps, email):
    with pytest.raises(ValidationError):
        auth.register(deps, email, "password123")


def test_login_returns_a_bearer_token_for_the_user(deps):
    user = auth.register(deps, "bob@example.com", "password123")
    token = auth.login(deps, " BOB@example.com", "password123")
    assert token.token_type == "Bearer" and token.expires_in == 900
    assert signed_in.signed_in(deps.tokens, f"Bearer {token.access_token}").user_id == user.user_id


def test_unknown_email_and_wrong_password_fail_alike(fakes, deps):
    auth.register(deps, "carol@example.com", "password123")
    with pytest.raises(InvalidCredentials) as unknown:
        auth.login(deps, "nobody@example.com", "password123")
    with pytest.raises(InvalidCredentials) as wrong:
        auth.login(deps, "carol@example.com", "wrong-password")
    assert unknown.value.message == wrong.value.message
    assert fakes.passwords.burned == 1  # the unknown email still paid for one hash verification


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic abc", "Token x.y.z", "Bearer not.a.jwt"])
def test_missing_or_malformed_authorization_is_unauthorized(deps, header):
    with pytest.raises(Unauthorized):
        signed_in.signed_in(deps.tokens, header)


def test_scheme_is_case_insensitive(deps):
    user_id = uuid.uuid4()
    token = deps.tokens.issue(user_id).access_token
    assert signed_in.signed_in(deps.tokens, f"bearer {token}").user_id == user_id
