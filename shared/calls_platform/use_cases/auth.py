"""Sign up, log in, refresh and log out, and who is calling."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from typing import TYPE_CHECKING

from calls_platform.domain.accounts import parse_login_code
from calls_platform.domain.errors import InvalidCredentials, TooManyRequests, Unauthorized
from calls_platform.domain.users import (
    User,
    canonical_email,
    check_new_password,
    login_password,
    normalize_email,
)
from calls_platform.use_cases.auth_ports import (
    IssuedToken,
    PasswordHasher,
    RefreshTokenStore,
    RefreshUse,
    TokenService,
    UserRepository,
)
from calls_platform.use_cases.limit_ports import Limit, RateLimiter

if TYPE_CHECKING:
    from calls_platform.use_cases.login_codes import LoginCodes

log = logging.getLogger(__name__)

# Failed logins. Each attempt is counted before the password is checked (atomically: parallel guesses cannot
# all slip under a ceiling), and given back when it succeeds:
# - 5 per client address and account in 15 minutes: one address cannot brute-force one account;
# - 20 per client address in 15 minutes: nor spray many accounts;
# - 10 per account a minute from all addresses together: a distributed guesser is slowed to a crawl. Anyone
#   can fill that ceiling, so an address the account signed in from before (remembered 30 days) is held to
#   the first two limits only: nobody can keep the owner out of their usual places (see the README).
LOGIN_WINDOW_S = 15 * 60
FAILURES_PER_ADDRESS_AND_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
ACCOUNT_WINDOW_S = 60
FAILURES_PER_ACCOUNT = 10
REGISTRATION_WINDOW_S = 3600
KNOWN_ADDRESS_S = 30 * 24 * 3600
# NIST SP 800-63B: after this many consecutive failures, a sign-in from an address the account never signed
# in from also needs a one-time code emailed to the owner (use_cases/login_codes.py); known addresses do not.
FAILURES_BEFORE_CODE = 100


@dataclasses.dataclass(frozen=True)
class AuthDeps:
    users: UserRepository
    passwords: PasswordHasher
    tokens: TokenService
    refresh_tokens: RefreshTokenStore
    limiter: RateLimiter
    registrations_per_address: int = 10  # an hour
    codes: LoginCodes | None = None  # consecutive failures and emailed sign-in codes (None: not counted)


def register(deps: AuthDeps, email: object, password: object, client_ip: str | None = None) -> User:
    address = normalize_email(email)
    secret = check_new_password(password)
    if client_ip is not None:
        limit = Limit(f"register:address:{client_ip}", deps.registrations_per_address, REGISTRATION_WINDOW_S)
        decision = deps.limiter.reserve([limit])
        if not decision.allowed:
            raise TooManyRequests("too many registrations from this address; try again later", decision.retry_after)
    user = deps.users.add(address, deps.passwords.hash(secret))
    log.info("user registered", extra={"user_id": str(user.user_id)})
    return user


def _account_key(address: str) -> str:
    return hashlib.sha256(canonical_email(address).encode()).hexdigest()[:32]  # no email addresses in the table


def _login_limits(address: str, client_ip: str) -> list[Limit]:
    account = _account_key(address)
    return [
        Limit(f"login:pair:{client_ip}:{account}", FAILURES_PER_ADDRESS_AND_ACCOUNT, LOGIN_WINDOW_S),
        Limit(f"login:address:{client_ip}", FAILURES_PER_ADDRESS, LOGIN_WINDOW_S),
        Limit(f"login:account:{account}", FAILURES_PER_ACCOUNT, ACCOUNT_WINDOW_S),
    ]


def login(
    deps: AuthDeps,
    email: object,
    password: object,
    client_ip: str = "unknown",
    login_code: object = None,
    language: str = "en",
) -> IssuedToken:
    address = normalize_email(email)
    secret = login_password(password)
    code = parse_login_code(login_code)
    limits = _login_limits(address, client_ip)
    known = f"login:known:{client_ip}:{_account_key(address)}"
    decision = deps.limiter.reserve(limits)  # counted as a failure until it proves otherwise
    if not decision.allowed and deps.limiter.remembered(known):
        limits = limits[:2]  # the owner's usual address: its own limits hold, the account-wide one does not
        decision = deps.limiter.reserve(limits)
    if not decision.allowed:
        # A defender's signal: guessing at an account, or someone keeping its owner out (README, lock-out).
        log.warning("login throttled", extra={"client_ip": client_ip, "retry_after": decision.retry_after})
        raise TooManyRequests("too many failed logins; try again later", decision.retry_after)
    user, failures = deps.codes.find(address) if deps.codes else (deps.users.get_by_email(address), 0)
    if user is None:
        deps.passwords.burn(secret)  # as slow as a wrong password: the answer must not reveal the address
    right = user is not None and deps.passwords.verify(user.password_hash, secret)
    if deps.codes and user is not None and failures >= FAILURES_BEFORE_CODE and not deps.limiter.remembered(known):
        deps.codes.require(user, right, code, language)  # the same refusal whether the password was right or not
    if user is None or not right:
        log.info("login failed", extra={"user_id": str(user.user_id) if user else None})
        if deps.codes and user is not None:
            deps.codes.failed(user)
        raise InvalidCredentials()
    deps.limiter.release(limits, remember=(known, KNOWN_ADDRESS_S))
    if deps.codes:
        return deps.codes.signed_in(user, deps.tokens)
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
