"""The interfaces the account use cases need (use_cases/accounts.py, use_cases/recovery.py)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from calls_platform.domain.accounts import TokenPurpose
    from calls_platform.domain.users import Caller, User


@dataclasses.dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    link: str | None = None  # the one link it carries, if any (the development log names it)
    code: str | None = None  # or the one code


class Mailer(Protocol):
    def send(self, email: Email) -> None:
        """Send it; raises ServiceUnavailable when the email service refuses or does not answer."""


@dataclasses.dataclass(frozen=True)
class Account:
    user: User
    email_verified: bool
    failed_logins: int = 0


class AccountStore(Protocol):
    def get(self, caller: Caller) -> Account:
        """The caller's account; UnknownUser if the caller is not signed in (user gone, family revoked)."""

    def find(self, email: str) -> Account | None:
        """By the address's canonical form."""

    def issue_token(self, user_id: uuid.UUID, purpose: TokenPurpose, token_hash: str, expires_at: datetime) -> bool:
        """Store a token's hash, tied to the user's current password; False if there is no such user."""

    def verify_email(self, token_hash: str, at: datetime) -> User | None:
        """Use a verification token once and mark its user's email verified; None if the token is unknown,
        used, expired or from another password."""

    def reset_password(self, token_hash: str, new_hash: str, at: datetime) -> User | None:
        """Use a reset token once, set the new password hash and revoke every token family of its user, in one
        statement; None (nothing changed) if the token is not valid."""

    def use_login_code(self, user_id: uuid.UUID, token_hash: str, at: datetime) -> bool: ...

    def change_password(self, caller: Caller, old_hash: str, new_hash: str) -> bool:
        """Set the new hash if the password is still `old_hash`, and revoke every other family of the caller."""

    def signed_in(self, user_id: uuid.UUID, family: uuid.UUID) -> None:
        """After a successful login: note its new token family (so a password change can revoke it) and end
        the streak of failed logins, in one statement."""

    def count_failed_login(self, user_id: uuid.UUID) -> None: ...

    def seconds_called_since(self, user_id: uuid.UUID, since: datetime, at: datetime) -> int: ...

    def delete(self, user_id: uuid.UUID, password_hash: str) -> bool:
        """Delete the account (its calls, numbers, tokens and families with it) if its password is still
        `password_hash`, keeping only seconds called per UTC day; False if nothing was deleted."""


class VerifiedEmails(Protocol):
    def is_verified(self, caller: Caller) -> bool:
        """Whether the caller's email is verified; UnknownUser if the caller is not signed in."""
