"""Contacts: a user's names for numbers (docs/contacts.md). One contact per number and user; names may repeat."""

from __future__ import annotations

import dataclasses
import unicodedata
import uuid
from datetime import datetime

from calls_platform.domain.errors import ValidationError
from calls_platform.domain.phone import parse_e164

MAX_NAME_LENGTH = 100  # characters (code points), after trimming
# What a name may not hold: control characters (newlines, tabs, NUL...), lone surrogates (JSON can spell them,
# Postgres cannot store them), line/paragraph separators, and the bidirectional overrides that make a name read
# differently from what it holds. Other format characters stay: emoji and several scripts need ZWJ/ZWNJ.
REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C))


@dataclasses.dataclass(frozen=True)
class Contact:
    contact_id: uuid.UUID
    user_id: uuid.UUID
    name: str
    phone_number: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def new(cls, user_id: uuid.UUID, name: str, phone_number: str, now: datetime) -> Contact:
        return cls(uuid.uuid4(), user_id, name, phone_number, now, now)


def parse_name(raw: object) -> str:
    """The name as stored: NFC, trimmed, 1-100 characters, nothing invisible or misleading in it."""
    if raw is None:
        raise ValidationError("name is required")
    if not isinstance(raw, str):
        raise ValidationError("name must be a string")
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise ValidationError("name must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"name must be at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch) in REFUSED_CATEGORIES or ch in _BIDI_CONTROLS for ch in name):
        raise ValidationError("name must not contain control characters, line breaks or direction overrides")
    return name


def parse_contact_number(raw: object) -> str:
    """A contact's number: E.164, by the same rule as dialling (domain/phone.py)."""
    return parse_e164(raw)


def name_key(name: str) -> str:
    """The form names are searched in: NFKC, then Unicode case folding (so "ANNA" finds "Anna", in every script).
    Computed here, not by Postgres's lower(), which folds differently (as for users' email_key)."""
    return unicodedata.normalize("NFKC", name).casefold()


def parse_contact_id(raw: object) -> uuid.UUID:
    if not isinstance(raw, str) or not raw:
        raise ValidationError("contact_id is required (a UUID)")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError("contact_id must be a UUID, e.g. 3f2b6c1e-8a4d-4c3e-9b1a-2d5e7f9a0b1c") from None
