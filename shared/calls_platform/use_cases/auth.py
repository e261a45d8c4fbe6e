"""Sign up, log in, refresh and log out, and who is calling."""

from __future__ import annotations

import dataclasses
import logging
import uuid

from calls_platform.domain.errors import InvalidCredentials, TooManyRequests, Unauthorized
from calls_platform.domain.users import User, check_new_password, login_password, normalize_email
from calls_platform.use_cases.ports import (
    IssuedToken,
    PasswordHasher,
    RateLimiter,
    RefreshTokenStore,
    RefreshUse,
    TokenService,
    UserRepository,
)

log = logging.getLogger(__name__)

# Failed logins: 5 per account and 20 per client address in a 15-minute window. An attacker can hold an
# account's door shut for at most one window, never for long.
LOGIN_WINDOW_S = 15 * 60
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20


@dataclasses.dataclass(frozen=True)
class AuthDeps:
    users: UserRepository
    passwords: PasswordHasher
    tokens: TokenService
    refresh_tokens: RefreshTokenStore
    limiter: RateLimiter


def register(deps: AuthDeps, email: object, password: object) -> User:
    address = normalize_email(email)
    secret = check_new_password(password)
    user = deps.users.add(address, deps.passwords.hash(secret))
    log.info("user registered", extra={"user_id": str(user.user_id)})
    return user


def _failure_keys(address: str, client_ip: str) -> list[tuple[str, int]]:
    return [
        (f"login-failures:account:{address.lower()}", FAILURES_PER_ACCOUNT),
        (f"login-failures:address:{client_ip}", FAILURES_PER_ADDRESS),
    ]


def login(deps: AuthDeps, email: object, password: object, client_ip: str = "unknown") -> IssuedToken:
    address = normalize_email(email)
    secret = login_password(password)
    limits = _failure_keys(address, client_ip)
    decision = deps.limiter.check(limits, LOGIN_WINDOW_S)
    if not decision.allowed:
        raise TooManyRequests("too many failed logins; try again later", decision.retry_after)
    user = deps.users.get_by_email(address)
    if user is None:
        deps.passwords.burn(secret)  # as slow as a wrong password: the answer must not reveal the address
    if user is None or not deps.passwords.verify(user.password_hash, secret):
        for key, limit in limits:
            deps.limiter.hit([key], limit, LOGIN_WINDOW_S)
        log.info("login failed", extra={"user_id": str(user.user_id) if user else None})
        raise InvalidCredentials()
    return deps.tokens.issue(user.user_id)


def refresh(deps: AuthDeps, refresh_token: object) -> IssuedToken:
    """A new pair for a refresh token used for the first time; reusing one revokes its whole family."""
    claims = deps.tokens.verify_refresh(_token(refresh_token))
    outcome = deps.refresh_tokens.use(claims)
    if outcome is RefreshUse.REUSED:
        deps.refresh_tokens.revoke_family(claims, "reuse")
        log.warning("refresh token reused: family revoked", extra={"user_id": str(claims.user_id)})
    if outcome is not RefreshUse.FIRST_USE:
        raise Unauthorized("refresh token is no longer valid; log in again")
    return deps.tokens.issue(claims.user_id, claims.family)


def logout(deps: AuthDeps, refresh_token: object) -> None:
    """Revoke the refresh token's family: neither it nor any token rotated from it works again."""
    claims = deps.tokens.verify_refresh(_token(refresh_token))
    deps.refresh_tokens.revoke_family(claims, "logout")
    log.info("logged out", extra={"user_id": str(claims.user_id)})


def _token(raw: object) -> str:
    if not isinstance(raw, str) or not raw:
        raise Unauthorized("refresh_token is required")
    return raw


def bearer_user(tokens: TokenService, authorization: str | None) -> uuid.UUID:
    """The user id behind an `Authorization: Bearer <token>` header."""
    if not authorization:
        raise Unauthorized("missing Authorization header; expected 'Bearer <token>'")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("malformed Authorization header; expected 'Bearer <token>'")
    return tokens.verify(token.strip())
