"""Paging through a user's call history: page sizes, status filters and opaque cursors."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import unicodedata
import uuid
from datetime import UTC, datetime

from calls_platform.domain.calls import Call, CallStatus, HistoryPosition
from calls_platform.domain.contacts import REFUSED_CATEGORIES, name_key
from calls_platform.domain.errors import ValidationError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 100
_PHONE_PUNCTUATION = frozenset(" +-().")


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One row of history: the call, and the name its number has among the caller's contacts, if any."""

    call: Call
    contact_name: str | None = None


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def parse_status(raw: str | None) -> CallStatus | None:
    if raw is None:
        return None
    try:
        return CallStatus(raw)
    except ValueError:
        allowed = ", ".join(s.value for s in CallStatus)
        raise ValidationError(f"status must be one of: {allowed}") from None


def encode_cursor(call: Call) -> str:
    raw = json.dumps([call.start_time.isoformat(), str(call.call_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(raw: str | None) -> HistoryPosition | None:
    if raw is None:
        return None
    invalid = ValidationError("cursor is not valid: pass back the next_cursor of the previous page")
    try:
        start, call_id = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if not isinstance(start, str) or not isinstance(call_id, str):
            raise invalid
        position = HistoryPosition(datetime.fromisoformat(start), uuid.UUID(call_id))
        if position.start_time.tzinfo is None:
            raise invalid
        position.start_time.astimezone(UTC)  # 0001-01-01T00:00:00+14:00 is before the first representable instant
    except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error, UnicodeDecodeError):
        raise invalid from None
    return position


@dataclasses.dataclass(frozen=True)
class HistorySearch:
    """What `q` of the history asks for: calls whose contact's name holds `name_key`, or (when `q` reads as a
    number: digits and phone punctuation only) whose number holds `digits`."""

    name_key: str
    digits: str | None


def parse_search(raw: str | None) -> HistorySearch | None:
    if raw is None:
        return None
    query = unicodedata.normalize("NFC", raw).strip()
    if not query:
        return None
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(f"q must be at most {MAX_QUERY_LENGTH} characters")
    if any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in query):
        raise ValidationError("q must not contain control characters")
    digits = "".join(ch for ch in query if ch.isascii() and ch.isdigit())
    numberish = bool(digits) and all(ch in _PHONE_PUNCTUATION or (ch.isascii() and ch.isdigit()) for ch in query)
    return HistorySearch(name_key(query), digits if numberish else None)
