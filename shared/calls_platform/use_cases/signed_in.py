"""Who is calling: the bearer token of a signed-in request, checked. Every signed-in function runs this and no
other sign-in code, so it is kept apart from signing up and in (auth.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calls_platform.domain.errors import Unauthorized
from calls_platform.domain.users import Caller

if TYPE_CHECKING:
    from calls_platform.use_cases.auth_ports import TokenService


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("missing Authorization header; expected 'Bearer <token>'")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("malformed Authorization header; expected 'Bearer <token>'")
    return token.strip()


def signed_in(tokens: TokenService, authorization: str | None) -> Caller:
    """Who sent a bearer token that is valid. Whether its user still exists and its family was not logged out
    is checked by the statement the request runs anyway (the repositories take the Caller): no round trip
    of its own."""
    user_id, family = tokens.session_of(_bearer_token(authorization))
    return Caller(user_id, family)
