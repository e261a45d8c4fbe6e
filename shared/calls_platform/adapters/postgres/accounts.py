"""Accounts in Postgres: verification, one-time tokens, token families, failed logins, deletion. Each method
one statement: a token is used, and what it allows is done, atomically (of parallel uses, exactly one wins)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from calls_platform.adapters.postgres.database import Database
from calls_platform.adapters.postgres.rows import SIGNED_IN, caller_params, checked, with_caller_check
from calls_platform.domain.accounts import TokenPurpose
from calls_platform.domain.users import Caller, User, canonical_email
from calls_platform.use_cases.account_ports import Account

# How long a revoked family must stay revoked: the longest a refresh token lives (adapters/tokens.py's
# REFRESH_TTL_SECONDS, not imported: that would load PyJWT into functions that never touch a token).
REFRESH_TTL_SECONDS = 30 * 24 * 3600

_ACCOUNT_COLUMNS = (
    "user_id, email, password_hash, created_at, email_verified_at IS NOT NULL AS email_verified, failed_logins"
)
_USER_COLUMNS = "user_id, email, password_hash, created_at"
# A token is tied to the password it was issued under: the SHA-256 of the user's password hash then and now.
_FINGERPRINT = "encode(sha256(convert_to({users}.password_hash, 'UTF8')), 'hex')"

# Use a token once: unused, unexpired, of this purpose, and issued under the user's current password.
_USE_TOKEN = f"""used AS (
    UPDATE account_tokens t SET used_at = :at FROM users u
    WHERE t.token_hash = :hash AND t.purpose = :purpose AND t.used_at IS NULL AND t.expires_at > :at
        AND u.user_id = t.user_id AND t.password_fingerprint = {_FINGERPRINT.format(users="u")}
    RETURNING t.user_id
)"""

# Revoke every token family of the users in `changed` (but :keep): their access and refresh tokens stop.
_REVOKE_FAMILIES = """revoked AS (
    INSERT INTO revoked_token_families (family_id, user_id, reason, expires_at)
    SELECT f.family_id, f.user_id, :reason, :until FROM token_families f
    WHERE f.user_id IN (SELECT user_id FROM changed) AND f.family_id IS DISTINCT FROM CAST(:keep AS uuid)
    ON CONFLICT (family_id) DO NOTHING
)"""

# Seconds called since a moment: billed durations of ended calls, the time so far of answered live ones.
_SPENT = """SELECT COALESCE(sum(COALESCE(duration, CASE WHEN answer_time IS NULL THEN 0
    ELSE GREATEST(0, floor(extract(epoch FROM (CAST(:at AS timestamptz) - answer_time))))::int END)), 0) AS spent
    FROM calls WHERE user_id = :user_id AND start_time >= :since"""

_DELETE = """
    WITH target AS (SELECT user_id FROM users WHERE user_id = :user_id AND password_hash = :hash FOR UPDATE),
    kept AS (
        INSERT INTO deleted_account_usage (day, seconds)
        SELECT CAST(timezone('UTC', start_time) AS date), sum(COALESCE(duration, 0)) FROM calls
        WHERE user_id IN (SELECT user_id FROM target) GROUP BY 1
    ),
    gone AS (DELETE FROM users WHERE user_id IN (SELECT user_id FROM target) RETURNING user_id)
    SELECT EXISTS (SELECT 1 FROM gone) AS deleted
"""


def _user(record: Mapping[str, Any]) -> User:
    return User(record["user_id"], record["email"], record["password_hash"], record["created_at"])


def _account(record: Mapping[str, Any]) -> Account:
    return Account(_user(record), bool(record["email_verified"]), int(record["failed_logins"]))


class PgAccounts:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, caller: Caller) -> Account:
        records = self._db.records(
            with_caller_check(f"SELECT {_ACCOUNT_COLUMNS} FROM users WHERE user_id = :user_id"), **caller_params(caller)
        )
        return _account(checked(records, "user_id")[0])

    def is_verified(self, caller: Caller) -> bool:
        return self.get(caller).email_verified

    def find(self, email: str) -> Account | None:
        records = self._db.records(
            f"SELECT {_ACCOUNT_COLUMNS} FROM users WHERE email_key = :key", key=canonical_email(email)
        )
        return _account(records[0]) if records else None

    def issue_token(self, user_id: uuid.UUID, purpose: TokenPurpose, token_hash: str, expires_at: datetime) -> bool:
        records = self._db.records(
            "INSERT INTO account_tokens (token_hash, user_id, purpose, password_fingerprint, expires_at)"
            f" SELECT :hash, user_id, :purpose, {_FINGERPRINT.format(users='users')}, :expires FROM users"
            " WHERE user_id = :user_id RETURNING user_id",
            hash=token_hash,
            purpose=purpose.value,
            expires=expires_at,
            user_id=user_id,
        )
        return bool(records)

    def verify_email(self, token_hash: str, at: datetime) -> User | None:
        records = self._db.records(
            f"WITH {_USE_TOKEN}, verified AS ("
            " UPDATE users SET email_verified_at = COALESCE(email_verified_at, :at)"
            f" WHERE user_id IN (SELECT user_id FROM used) RETURNING {_USER_COLUMNS})"
            " SELECT * FROM verified",
            hash=token_hash,
            purpose=TokenPurpose.VERIFY_EMAIL.value,
            at=at,
        )
        return _user(records[0]) if records else None

    def reset_password(self, token_hash: str, new_hash: str, at: datetime) -> User | None:
        records = self._db.records(
            f"WITH {_USE_TOKEN}, changed AS ("
            " UPDATE users SET password_hash = :new_hash, failed_logins = 0"
            f" WHERE user_id IN (SELECT user_id FROM used) RETURNING {_USER_COLUMNS}), {_REVOKE_FAMILIES}"
            " SELECT * FROM changed",
            hash=token_hash,
            purpose=TokenPurpose.PASSWORD_RESET.value,
            at=at,
            new_hash=new_hash,
            reason="password_reset",
            until=at + timedelta(seconds=REFRESH_TTL_SECONDS),
            keep=None,
        )
        return _user(records[0]) if records else None

    def use_login_code(self, user_id: uuid.UUID, token_hash: str, at: datetime) -> bool:
        [found] = self._db.records(
            f"WITH {_USE_TOKEN} SELECT EXISTS (SELECT 1 FROM used WHERE user_id = :user_id) AS used",
            hash=token_hash,
            purpose=TokenPurpose.LOGIN_CODE.value,
            at=at,
            user_id=user_id,
        )
        return bool(found["used"])

    def change_password(self, caller: Caller, old_hash: str, new_hash: str) -> bool:
        now = datetime.now().astimezone()
        [found] = self._db.records(
            "WITH changed AS (UPDATE users SET password_hash = :new_hash"
            f" WHERE user_id = :user_id AND password_hash = :old_hash AND {SIGNED_IN} RETURNING user_id),"
            f" {_REVOKE_FAMILIES} SELECT EXISTS (SELECT 1 FROM changed) AS changed",
            **caller_params(caller),
            old_hash=old_hash,
            new_hash=new_hash,
            reason="password_change",
            until=now + timedelta(seconds=REFRESH_TTL_SECONDS),
            keep=caller.family,
        )
        return bool(found["changed"])

    def signed_in(self, user_id: uuid.UUID, family: uuid.UUID) -> None:
        self._db.run(
            "WITH started AS (INSERT INTO token_families (family_id, user_id) VALUES (:family, :user_id))"
            " UPDATE users SET failed_logins = 0 WHERE user_id = :user_id AND failed_logins > 0",
            family=family,
            user_id=user_id,
        )

    def count_failed_login(self, user_id: uuid.UUID) -> None:
        self._db.run("UPDATE users SET failed_logins = failed_logins + 1 WHERE user_id = :user_id", user_id=user_id)

    def seconds_called_since(self, user_id: uuid.UUID, since: datetime, at: datetime) -> int:
        [found] = self._db.records(_SPENT, user_id=user_id, since=since, at=at)
        return int(found["spent"])

    def delete(self, user_id: uuid.UUID, password_hash: str) -> bool:
        [found] = self._db.records(_DELETE, user_id=user_id, hash=password_hash)
        return bool(found["deleted"])
