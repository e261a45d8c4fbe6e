"""Users: who may sign up with what (ASVS 5.0 password rules; emails compared case-insensitively)."""

import dataclasses
import re
import unicodedata
import uuid
from datetime import datetime

from calls_platform.domain.errors import ValidationError

MIN_PASSWORD_CHARS = 8
# Long enough for any passphrase (ASVS asks to accept at least 64) yet bounded, so hashing cannot be abused.
MAX_PASSWORD_CHARS = 1024
MAX_EMAIL_CHARS = 254  # RFC 5321 path limit

# A pragmatic shape check: one @, no spaces or control characters, a dot in the domain.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")


@dataclasses.dataclass(frozen=True)
class User:
    user_id: uuid.UUID
    email: str
    password_hash: str
    created_at: datetime


def normalize_email(raw: object) -> str:
    """The email as stored: trimmed. Uniqueness and login compare it case-insensitively."""
    if raw is None or raw == "":
        raise ValidationError("email is required")
    if not isinstance(raw, str):
        raise ValidationError("email must be a string")
    email = raw.strip()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(email) or any(map(_invisible, email)):
        raise ValidationError("email must be a valid address, e.g. user@example.com")
    return email


def _invisible(char: str) -> bool:
    """Control, format (zero-width, bidi overrides, BOM), separator and unassigned characters: an address
    that hides any of them could pass for another."""
    return unicodedata.category(char)[0] in "CZ"


def check_new_password(raw: object) -> str:
    """ASVS: at least 8 characters, long ones accepted, no composition rules, never truncated."""
    if raw is None or raw == "":
        raise ValidationError("password is required")
    if not isinstance(raw, str):
        raise ValidationError("password must be a string")
    if len(raw) < MIN_PASSWORD_CHARS:
        raise ValidationError(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    if len(raw) > MAX_PASSWORD_CHARS:
        raise ValidationError(f"password must be at most {MAX_PASSWORD_CHARS} characters")
    return raw


def login_password(raw: object) -> str:
    """A password as given at login: any string; length limits only stop absurd inputs."""
    if raw is None or raw == "":
        raise ValidationError("password is required")
    if not isinstance(raw, str):
        raise ValidationError("password must be a string")
    if len(raw) > MAX_PASSWORD_CHARS:
        raise ValidationError(f"password must be at most {MAX_PASSWORD_CHARS} characters")
    return raw
