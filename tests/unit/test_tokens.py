import time
import uuid

import jwt
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
        jwt.encode(claims(), SECRET, algorithm="HS512"),
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
