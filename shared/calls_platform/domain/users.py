"""Users: who may sign up with what (ASVS 5.0 password rules; emails compared in one canonical form)."""

import dataclasses
import re
import unicodedata
import uuid
from datetime import datetime

from calls_platform.domain.errors import ValidationError
from calls_platform.domain.lookalikes import has_ignorable, skeleton

MIN_PASSWORD_CHARS = 8
# Long enough for any passphrase (ASVS asks to accept at least 64) yet bounded, so hashing cannot be abused.
MAX_PASSWORD_CHARS = 1024
MAX_EMAIL_CHARS = 254  # RFC 5321 path limit

_INVALID = "email must be a valid address, e.g. user@example.com"


@dataclasses.dataclass(frozen=True)
class User:
    user_id: uuid.UUID
    email: str
    password_hash: str
    created_at: datetime


def normalize_email(raw: object) -> str:
    """The email as stored: trimmed. Uniqueness, login and limits compare its canonical_email."""
    if raw is None or raw == "":
        raise ValidationError("email is required")
    if not isinstance(raw, str):
        raise ValidationError("email must be a string")
    email = raw.strip()
    canonical = canonical_email(email)
    if len(email) > MAX_EMAIL_CHARS or any(map(_invisible, email + canonical)) or canonical.endswith("."):
        raise ValidationError(_INVALID)
    if has_ignorable(email + canonical):  # variation selectors and other marks that render as nothing
        raise ValidationError("email must not contain invisible characters")
    _check_syntax(canonical)
    if any(len(_scripts(label)) > 1 for label in re.split(r"[@.]", canonical)):
        raise ValidationError("email must not mix scripts (e.g. Latin and Cyrillic) within one part")
    return unicodedata.normalize("NFKC", email)  # fullwidth and other compatibility forms folded, case kept


def _check_syntax(address: str) -> None:
    """RFC 5321/5322 syntax (with internationalised addresses) by `email-validator`, without DNS: `a@x..y`,
    `.a@example.com` and `a,b@example.com` are no addresses."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(f"{_INVALID}: {error}") from None


def email_skeleton(email: str) -> str:
    """What the address looks like (TS #39 skeleton of its canonical form): two accounts never share one."""
    return skeleton(canonical_email(email))


def canonical_email(email: str) -> str:
    """The one spelling of an address that every comparison uses (registration, login, the unique index,
    limit keys): NFKC folds fullwidth and other compatibility forms, casefold folds case (ß, İ, ...)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).casefold())


def _scripts(label: str) -> set[str]:
    """The scripts of a label's letters (the first word of each letter's Unicode name: LATIN, CYRILLIC...)."""
    return {unicodedata.name(c, "?").split()[0] for c in label if unicodedata.category(c).startswith("L")}


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
    _check_encodable(raw)
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
    _check_encodable(raw)
    if len(raw) > MAX_PASSWORD_CHARS:
        raise ValidationError(f"password must be at most {MAX_PASSWORD_CHARS} characters")
    return raw


def _check_encodable(password: str) -> None:
    """A lone surrogate (JSON "\\ud800") is no text: it cannot be hashed, and is never echoed or logged."""
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("password must be valid Unicode text (it has a lone surrogate)") from None


@dataclasses.dataclass(frozen=True)
class Caller:
    """Who a signed-in request comes from: the user, and the family of the access token (logout and reuse
    revoke a family; None for tokens issued before families). The repositories check both in the statement
    the request runs anyway: a user that is gone or a revoked family is refused at no extra round trip."""

    user_id: uuid.UUID
    family: uuid.UUID | None = None
