"""JWT access and refresh tokens (`adapters/tokens.py`), on an injected clock."""

import time
import uuid
import warnings

import jwt
import jwt.warnings
import pytest

from calls_platform.adapters.tokens import JwtTokens
from calls_platform.domain.errors import ConfigurationError, Unauthorized

SECRET = "unit-test-secret-with-at-least-32-characters"


def claims(**overrides):
    now = int(time.time())
    base = {
        "sub": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 60,
        "iss": "calls-platform",
        "aud": "calls-api",
        "typ": "access",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def test_round_trip():
    tokens = JwtTokens(SECRET, 60)
    user_id = uuid.uuid4()
    assert tokens.verify(tokens.issue(user_id).access_token) == user_id


def test_a_short_secret_is_refused_at_start():
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        JwtTokens("too-short", 60)


def _other_algorithm() -> str:
    """The right key with HS512: refused, since the algorithm is pinned (PyJWT warns our key is short for it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(claims(), SECRET, algorithm="HS512")


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode(claims(exp=int(time.time()) - 10), SECRET, algorithm="HS256"),
        jwt.encode(claims(), "another-secret-that-is-also-long-enough!!", algorithm="HS256"),
        jwt.encode(claims(aud="someone-else"), SECRET, algorithm="HS256"),
        jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256"),
        jwt.encode(claims(typ="refresh"), SECRET, algorithm="HS256"),
        jwt.encode(claims(sub=None), SECRET, algorithm="HS256"),
        jwt.encode(claims(sub="not-a-uuid"), SECRET, algorithm="HS256"),
        jwt.encode(claims(nbf=int(time.time()) + 600), SECRET, algorithm="HS256"),
        _other_algorithm(),
        jwt.encode(claims(), None, algorithm="none"),
    ],
    ids=[
        "expired",
        "other-key",
        "other-audience",
        "other-issuer",
        "other-type",
        "no-sub",
        "bad-sub",
        "not-yet-valid",
        "hs512",
        "alg-none",
    ],
)
def test_invalid_tokens_are_unauthorized(token):
    with pytest.raises(Unauthorized):
        JwtTokens(SECRET, 60).verify(token)


class SteppedClock:
    """Seconds since the epoch that move only when a test says so."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


def test_a_verified_token_is_remembered_only_until_it_expires():
    clock = SteppedClock()
    tokens = JwtTokens(SECRET, 60, clock=clock)
    user_id = uuid.uuid4()
    token = tokens.issue(user_id).access_token
    assert tokens.verify(token) == user_id
    clock.now += 59
    assert tokens.verify(token) == user_id  # from the cache
    clock.now += 1  # exp has whole-second resolution: a token is expired at exp itself
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify(token)


def test_access_and_refresh_tokens_expire_by_the_injected_clock():
    clock = SteppedClock()
    issued = JwtTokens(SECRET, 60, clock=clock).issue(uuid.uuid4())
    fresh = JwtTokens(SECRET, 60, clock=clock)  # nothing cached
    clock.now += 60
    with pytest.raises(Unauthorized, match="expired"):
        fresh.verify(issued.access_token)
    fresh.verify_refresh(issued.refresh_token)  # lives 30 days
    clock.now += 30 * 24 * 3600
    with pytest.raises(Unauthorized, match="expired"):
        fresh.verify_refresh(issued.refresh_token)


def test_a_tampered_copy_of_a_cached_token_is_still_checked():
    tokens = JwtTokens(SECRET, 60)
    token = tokens.issue(uuid.uuid4()).access_token
    tokens.verify(token)
    with pytest.raises(Unauthorized):
        tokens.verify(token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
