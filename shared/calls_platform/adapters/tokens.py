"""Access tokens: HS256 JWTs with every claim required and checked."""

from __future__ import annotations

import time
import uuid

import jwt

from calls_platform.domain.errors import ConfigurationError, Unauthorized
from calls_platform.use_cases.ports import IssuedToken

MIN_SECRET_CHARS = 32  # HS256 keys of at least 256 bits (RFC 7518)
_ALGORITHMS = ["HS256"]  # pinned: never taken from the token's header
_REQUIRED = ["exp", "iat", "iss", "aud", "sub", "typ"]
ACCESS = "access"


class JwtTokens:
    def __init__(self, secret: str, ttl_seconds: int, issuer: str = "calls-platform", audience: str = "calls-api"):
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_CHARS:
            raise ConfigurationError(f"JWT secret must be at least {MIN_SECRET_CHARS} characters")
        self._secret = secret
        self._ttl = ttl_seconds
        self._issuer = issuer
        self._audience = audience

    def issue(self, user_id: uuid.UUID) -> IssuedToken:
        now = int(time.time())
        claims = {
            "sub": str(user_id),
            "iat": now,
            "nbf": now,
            "exp": now + self._ttl,
            "iss": self._issuer,
            "aud": self._audience,
            "typ": ACCESS,
            "jti": uuid.uuid4().hex,
        }
        return IssuedToken(jwt.encode(claims, self._secret, algorithm="HS256"), self._ttl)

    def verify(self, token: str) -> uuid.UUID:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": _REQUIRED},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("invalid token") from None
        if claims.get("typ") != ACCESS:
            raise Unauthorized("invalid token")
        try:
            return uuid.UUID(claims["sub"])
        except (ValueError, TypeError, AttributeError):
            raise Unauthorized("invalid token") from None
