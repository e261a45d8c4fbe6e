"""The interfaces the use cases need. Adapters implement them; tests use in-memory fakes."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Protocol

from calls_platform.domain.calls import Call, CallStatus
from calls_platform.domain.sessions import LiveSession
from calls_platform.domain.users import User


@dataclasses.dataclass(frozen=True)
class FinishOutcome:
    """What an attempt to end a call found: the call as it is now, and whether this attempt ended it."""

    call: Call
    ended: bool


class UserRepository(Protocol):
    def add(self, email: str, password_hash: str) -> User:
        """Raises UserAlreadyExists when the email (case-insensitively) is taken."""

    def get_by_email(self, email: str) -> User | None: ...


class CallRepository(Protocol):
    def add(self, call: Call) -> None: ...

    def finish(
        self, call_id: uuid.UUID, user_id: uuid.UUID, status: CallStatus, end_time: datetime
    ) -> FinishOutcome | None:
        """Atomically end the call if it belongs to `user_id` and may move to `status`; None if unknown."""

    def mark_failed(self, call_id: uuid.UUID, end_time: datetime) -> None: ...

    def list_for_user(self, user_id: uuid.UUID, limit: int) -> list[Call]:
        """Newest first."""


class SessionStore(Protocol):
    def add(self, session: LiveSession) -> None: ...

    def remove(self, session_id: str) -> None: ...

    def get(self, session_id: str, now: datetime) -> LiveSession | None:
        """None when absent or expired."""


class VoipProvider(Protocol):
    def place_call(self, call: Call) -> str:
        """Start the call; returns the provider's id for it. Raises VoipUnavailable or InvalidPhoneNumber."""

    def hang_up(self, call: Call) -> None:
        """End the call at the provider; a call the provider already ended is not an error."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def burn(self, password: str) -> None:
        """Spend the time of one verification, so unknown emails answer as slowly as wrong passwords."""


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"


class TokenService(Protocol):
    def issue(self, user_id: uuid.UUID) -> IssuedToken: ...

    def verify(self, token: str) -> uuid.UUID:
        """The user id in a valid access token; raises Unauthorized otherwise."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class DatabasePing(Protocol):
    def ping(self) -> None:
        """Raises ServiceUnavailable when the database does not answer."""
