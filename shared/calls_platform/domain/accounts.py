"""One-time account tokens (email verification, password reset, sign-in codes) and the language of emails."""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from datetime import timedelta

from calls_platform.domain.errors import InvalidToken, ValidationError

TOKEN_BYTES = 32  # 256 bits from the OS's CSPRNG
# The one spelling a token is sent in: unpadded base64url of 32 bytes. Anything else (padding, spaces, another
# alphabet, another length) is refused before it is looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_LOGIN_CODE = re.compile(r"[0-9]{8}")
LOGIN_CODE_DIGITS = 8


class TokenPurpose(enum.Enum):
    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"
    LOGIN_CODE = "login_code"

    @property
    def lifetime(self) -> timedelta:
        return _LIFETIMES[self]


_LIFETIMES = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=24),
    TokenPurpose.PASSWORD_RESET: timedelta(minutes=30),
    TokenPurpose.LOGIN_CODE: timedelta(minutes=10),
}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_login_code() -> str:
    return f"{secrets.randbelow(10**LOGIN_CODE_DIGITS):0{LOGIN_CODE_DIGITS}d}"


def token_hash(token: str, purpose: TokenPurpose, scope: str = "") -> str:
    """All that is stored of a token. A sign-in code is short, so its hash is scoped to its account."""
    return hashlib.sha256(f"{purpose.value}:{scope}:{token}".encode()).hexdigest()


def parse_token(raw: object) -> str:
    if raw is None or raw == "":
        raise ValidationError("token is required")
    if not isinstance(raw, str):
        raise ValidationError("token must be a string")
    if not _TOKEN.fullmatch(raw):
        raise InvalidToken()
    return raw


def parse_login_code(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not _LOGIN_CODE.fullmatch(raw):
        raise ValidationError(f"login_code must be the {LOGIN_CODE_DIGITS} digits of the emailed code")
    return raw


LANGUAGES = ("en", "ru")


def choose_language(explicit: object, accept_language: str | None) -> str:
    """The email's language: the request's `language` field when given ("en" or "ru"), else the first of
    Accept-Language's languages that we have, else English."""
    if explicit is not None:
        if explicit not in LANGUAGES:
            raise ValidationError("language must be 'en' or 'ru'")
        return str(explicit)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return "en"
