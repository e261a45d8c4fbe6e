"""The interfaces the sign-up, sign-in and token use cases need: users, password hashing, tokens, used refresh
tokens. Adapters implement them; tests use fakes."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from calls_platform.domain.users import Caller, User


class UserRepository(Protocol):
    def add(self, email: str, password_hash: str) -> User:
        """Raises UserAlreadyExists when the email (case-insensitively) is taken."""

    def get_by_email(self, email: str) -> User | None: ...

    def is_signed_in(self, caller: Caller) -> bool:
        """Whether the caller's user exists and its token family was not revoked (the check every other
        signed-in statement carries)."""


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
    refresh_token: str | None = None


@dataclasses.dataclass(frozen=True)
class RefreshClaims:
    user_id: uuid.UUID
    family: uuid.UUID
    token_hash: str  # SHA-256 of the token's family and id (jti), whatever its spelling: all that is stored of it
    expires_at: datetime


class TokenService(Protocol):
    def issue(self, user_id: uuid.UUID, family: uuid.UUID | None = None) -> IssuedToken:
        """An access token and a refresh token of `family` (a new one when None)."""

    def session_of(self, token: str) -> tuple[uuid.UUID, uuid.UUID | None]:
        """The user id and token family of a valid access token; raises Unauthorized otherwise."""

    def verify_refresh(self, token: str) -> RefreshClaims:
        """The claims of a validly signed, unexpired refresh token; raises Unauthorized otherwise."""


class RefreshUse(enum.Enum):
    FIRST_USE = "first_use"
    REUSED = "reused"  # used before: a stolen copy is in play
    REVOKED = "revoked"
    NO_USER = "no_user"


class RefreshTokenStore(Protocol):
    def use(self, claims: RefreshClaims) -> RefreshUse:
        """Record the token as used, in one atomic step, saying what was found."""

    def revoke_family(self, claims: RefreshClaims, reason: str) -> None:
        """Revoke the family (logout or reuse): its refresh tokens, and its access tokens, which every
        signed-in statement checks through the Caller, stop working."""
