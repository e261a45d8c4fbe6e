"""Access tokens: HS256 JWTs with every claim required and checked."""

from __future__ import annotations

import collections
import hashlib
import math
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import jwt

from calls_platform.domain.errors import ConfigurationError, Unauthorized
from calls_platform.use_cases.auth_ports import IssuedToken, RefreshClaims

MIN_SECRET_CHARS = 32  # HS256 keys of at least 256 bits (RFC 7518)
_ALGORITHMS = ["HS256"]  # pinned: never taken from the token's header
_REQUIRED = ["exp", "iat", "iss", "aud", "sub", "typ"]
ACCESS = "access"
REFRESH = "refresh"
REFRESH_TTL_SECONDS = 30 * 24 * 3600
_VERIFIED_CACHE_SIZE = 1024


# Values published in guides and examples: anyone can sign tokens with them.
_EXAMPLE_SECRETS = frozenset(
    {
        "your-secret-key-change-in-production",
        "your-secret-key",
        "change-me",
        "changeme",
        "secret",
        "jwt-secret",
        "supersecret",
    }
)
MIN_SECRET_BITS = 100  # estimated from the characters' spread; a random 32-hex-digit key has ~120
_HOW_TO_MAKE_ONE = 'make one with: python3 -c "import secrets; print(secrets.token_urlsafe(48))"'


def check_secret(secret: object) -> str:
    """The JWT secret if it is fit to sign with; ConfigurationError (saying how to make one) otherwise."""
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_CHARS:
        raise ConfigurationError(f"JWT secret must be at least {MIN_SECRET_CHARS} characters; {_HOW_TO_MAKE_ONE}")
    if secret.strip().lower() in _EXAMPLE_SECRETS:
        raise ConfigurationError(f"JWT secret is a published example value; {_HOW_TO_MAKE_ONE}")
    if _estimated_bits(secret) < MIN_SECRET_BITS:
        raise ConfigurationError(f"JWT secret is too predictable (repeated characters); {_HOW_TO_MAKE_ONE}")
    return secret


def _estimated_bits(secret: str) -> float:
    """Shannon entropy of the characters times the length: low for repeats and patterns like 'abab...'."""
    counts = collections.Counter(secret)
    return -sum(n * math.log2(n / len(secret)) for n in counts.values())


class JwtTokens:
    def __init__(
        self,
        secret: str,
        ttl_seconds: int,
        issuer: str = "calls-platform",
        audience: str = "calls-api",
        clock: Callable[[], float] = time.time,
    ):
        check_secret(secret)
        self._secret = secret
        self._ttl = ttl_seconds
        self._issuer = issuer
        self._audience = audience
        self._clock = clock  # seconds since the epoch: what expiry is measured against
        self._verified: dict[str, tuple[uuid.UUID, int, uuid.UUID | None]] = {}

    def issue(self, user_id: uuid.UUID, family: uuid.UUID | None = None) -> IssuedToken:
        """An access token, and a refresh token of `family` (a new family at login)."""
        family = family or uuid.uuid4()
        access = self._encode(user_id, ACCESS, self._ttl, {"fam": str(family)})  # logout revokes it with the family
        refresh = self._encode(user_id, REFRESH, REFRESH_TTL_SECONDS, {"fam": str(family)})
        return IssuedToken(access, self._ttl, refresh_token=refresh)

    def verify(self, token: str) -> uuid.UUID:
        return self.session_of(token)[0]

    def session_of(self, token: str) -> tuple[uuid.UUID, uuid.UUID | None]:
        """The user id and the token family (None in tokens issued before families were stamped on them)."""
        # A warm container sees the same client's token request after request: verify its signature once,
        # then only its expiry. Bounded, and keyed by the whole token, so nothing unverified is ever trusted.
        cached = self._verified.get(token)
        if cached is not None and cached[1] > self._clock():
            return cached[0], cached[2]
        user_id, claims = self._decode(token, ACCESS)
        try:
            family = uuid.UUID(claims["fam"]) if "fam" in claims else None
        except (ValueError, TypeError, AttributeError):
            raise Unauthorized("invalid token") from None
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (user_id, claims["exp"], family)
        return user_id, family

    def verify_refresh(self, token: str) -> RefreshClaims:
        user_id, claims = self._decode(token, REFRESH)
        try:
            family = uuid.UUID(claims["fam"])
        except (KeyError, ValueError, TypeError, AttributeError):
            raise Unauthorized("invalid refresh token") from None
        # Single use is keyed on the token's id, not its spelling: PyJWT accepts a signature with padding
        # appended ("...R0="), so a hash of the string as received would make every respelling a new token.
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise Unauthorized("invalid refresh token")
        token_hash = hashlib.sha256(f"{family}:{jti}".encode()).hexdigest()
        return RefreshClaims(user_id, family, token_hash, datetime.fromtimestamp(claims["exp"], tz=UTC))

    def _encode(self, user_id: uuid.UUID, kind: str, ttl: int, extra: dict[str, str]) -> str:
        now = int(self._clock())
        claims = {
            "sub": str(user_id),
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "iss": self._issuer,
            "aud": self._audience,
            "typ": kind,
            "jti": uuid.uuid4().hex,
            **extra,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def _decode(self, token: str, kind: str) -> tuple[uuid.UUID, dict[str, Any]]:
        # base64url padding is no part of a JWT (RFC 7515), yet decoders tolerate some: one spelling per token.
        token = ".".join(part.rstrip("=") for part in token.split("."))
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": _REQUIRED, "verify_exp": False},  # expiry: against our clock, below
            )
        except jwt.PyJWTError:
            raise Unauthorized("invalid token") from None
        if claims.get("typ") != kind:
            raise Unauthorized("invalid token")
        self._check_expiry(claims)
        try:
            return uuid.UUID(claims["sub"]), claims
        except (ValueError, TypeError, AttributeError):
            raise Unauthorized("invalid token") from None

    def _check_expiry(self, claims: dict[str, Any]) -> None:
        try:
            expires = int(claims["exp"])
        except (ValueError, TypeError, OverflowError):
            raise Unauthorized("invalid token") from None
        if expires <= self._clock():
            raise Unauthorized("token expired")
