"""Users in Postgres: each method one statement (and the backfill of email skeletons, for the migration)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pg8000.exceptions import DatabaseError

from calls_platform.adapters.postgres.database import Database, constraint, sqlstate
from calls_platform.adapters.postgres.rows import SIGNED_IN, UNIQUE_VIOLATION, caller_params
from calls_platform.domain.errors import UserAlreadyExists
from calls_platform.domain.users import Caller, User, canonical_email, email_skeleton

log = logging.getLogger(__name__)
_SKELETON_INDEX = "users_email_skeleton_key"  # migrations/012_email_skeleton.sql
_USER_COLUMNS = "user_id, email, password_hash, created_at"


def _user(record: Mapping[str, Any]) -> User:
    return User(record["user_id"], record["email"], record["password_hash"], record["created_at"])


class PgUserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, email: str, password_hash: str) -> User:
        try:
            records = self._db.records(
                f"INSERT INTO users (email, email_key, email_skeleton, password_hash)"
                f" VALUES (:email, :key, :skeleton, :hash) RETURNING {_USER_COLUMNS}",
                email=email,
                key=canonical_email(email),
                skeleton=email_skeleton(email),
                hash=password_hash,
            )
        except DatabaseError as error:
            if sqlstate(error) == UNIQUE_VIOLATION:
                raise UserAlreadyExists(lookalike=constraint(error) == _SKELETON_INDEX) from None
            raise
        return _user(records[0])

    def get_by_email(self, email: str) -> User | None:
        records = self._db.records(
            f"SELECT {_USER_COLUMNS} FROM users WHERE email_key = :key", key=canonical_email(email)
        )
        return _user(records[0]) if records else None

    def is_signed_in(self, caller: Caller) -> bool:
        [record] = self._db.records(f"SELECT {SIGNED_IN} AS signed_in", **caller_params(caller))
        return bool(record["signed_in"])


def fill_missing_skeletons(db: Database, batch: int = 500) -> int:
    """Give accounts made before migration 012 their email skeleton (run by the migration function); returns
    how many got one. An account whose skeleton another already holds (a look-alike made before the rule)
    keeps none: both stay, and the log says which, for an operator to look at."""
    filled, skipped = 0, set[str]()
    while records := db.records(
        "SELECT user_id, email FROM users WHERE email_skeleton IS NULL"
        " AND NOT (CAST(user_id AS text) = ANY(CAST(:skip AS text[]))) ORDER BY created_at, user_id LIMIT :batch",
        skip=sorted(skipped),
        batch=batch,
    ):
        for record in records:
            try:
                db.run(
                    "UPDATE users SET email_skeleton = :s WHERE user_id = :u AND email_skeleton IS NULL",
                    s=email_skeleton(record["email"]),
                    u=record["user_id"],
                )
                filled += 1
            except DatabaseError as error:
                if sqlstate(error) != UNIQUE_VIOLATION:
                    raise
                skipped.add(str(record["user_id"]))
                log.warning("account looks like another; no skeleton kept", extra={"user_id": str(record["user_id"])})
    return filled
