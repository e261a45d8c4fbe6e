"""Contacts in Postgres: each method one statement, carrying the caller's check (rows.SIGNED_IN)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pg8000.exceptions import DatabaseError

from calls_platform.adapters.postgres.database import Database, sqlstate
from calls_platform.adapters.postgres.rows import SIGNED_IN, UNIQUE_VIOLATION, caller_params, checked
from calls_platform.domain.contacts import Contact
from calls_platform.domain.errors import ContactAlreadyExists, TooManyContacts, UnknownUser
from calls_platform.domain.users import Caller

_COLUMNS = "contact_id, user_id, name, phone_number, created_at, updated_at"
_ALREADY = "you already have a contact for this number"

# Adding within the cap, in one statement. The count is the statement's snapshot: parallel adds of one user may
# pass the cap by as many as run at once, which bounds storage just as well (docs/contacts.md).
_ADD = f"""
    WITH counted AS (SELECT count(*) AS held FROM contacts WHERE user_id = :user_id),
    added AS (
        INSERT INTO contacts (contact_id, user_id, name, name_key, phone_number, created_at, updated_at)
        SELECT :contact_id, CAST(:user_id AS uuid), :name, :name_key, :phone_number, :at, :at
        WHERE {SIGNED_IN} AND (SELECT held FROM counted) < :cap
        ON CONFLICT (user_id, phone_number) DO NOTHING
        RETURNING {_COLUMNS}
    )
    SELECT {SIGNED_IN} AS signed_in, (SELECT held FROM counted) AS held,
        (SELECT contact_id FROM contacts WHERE user_id = :user_id AND phone_number = :phone_number) AS existing,
        added.*
    FROM (SELECT 1) AS one LEFT JOIN added ON true
"""


def _contact(record: Mapping[str, Any]) -> Contact:
    return Contact(
        record["contact_id"],
        record["user_id"],
        record["name"],
        record["phone_number"],
        record["created_at"],
        record["updated_at"],
    )


def _with_check(cte: str) -> str:
    """A data-changing statement's rows led by the caller's check (rows.with_caller_check, for a CTE)."""
    return f"WITH changed AS ({cte}) SELECT {SIGNED_IN} AS signed_in, changed.* FROM (SELECT 1) AS one" + (
        " LEFT JOIN changed ON true"
    )


class PgContactRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, caller: Caller, contact: Contact, name_key: str, cap: int) -> Contact:
        [found] = self._db.records(
            _ADD,
            **caller_params(caller),
            contact_id=contact.contact_id,
            name=contact.name,
            name_key=name_key,
            phone_number=contact.phone_number,
            at=contact.created_at,
            cap=cap,
        )
        if found["contact_id"] is not None:
            return _contact(found)
        if not found["signed_in"]:
            raise UnknownUser()
        if found["existing"] is not None or found["held"] < cap:  # or a parallel add of the number won
            existing = f" (contact_id {found['existing']})" if found["existing"] else ""
            raise ContactAlreadyExists(_ALREADY + existing)
        raise TooManyContacts(f"you have {found['held']} contacts, the most one account may keep; delete some first")

    def list(self, caller: Caller) -> list[Contact]:
        records = self._db.records(
            f"SELECT {SIGNED_IN} AS signed_in, found.* FROM (SELECT 1) AS one LEFT JOIN ("
            f" SELECT {_COLUMNS}, name_key FROM contacts WHERE user_id = :user_id) AS found ON true"
            " ORDER BY found.name_key, found.contact_id",
            **caller_params(caller),
        )
        return [_contact(record) for record in checked(records, "contact_id")]

    def update(
        self,
        caller: Caller,
        contact_id: uuid.UUID,
        name: str | None,
        name_key: str | None,
        phone_number: str | None,
        at: datetime,
    ) -> Contact | None:
        cte = (
            "UPDATE contacts SET name = COALESCE(CAST(:name AS text), name),"
            " name_key = COALESCE(CAST(:name_key AS text), name_key),"
            " phone_number = COALESCE(CAST(:phone_number AS text), phone_number),"
            " updated_at = GREATEST(CAST(:at AS timestamptz), created_at)"
            f" WHERE contact_id = :contact_id AND user_id = :user_id AND {SIGNED_IN} RETURNING {_COLUMNS}"
        )
        try:
            records = self._db.records(
                _with_check(cte),
                **caller_params(caller),
                contact_id=contact_id,
                name=name,
                name_key=name_key,
                phone_number=phone_number,
                at=at,
            )
        except DatabaseError as error:
            if sqlstate(error) == UNIQUE_VIOLATION:
                raise ContactAlreadyExists(_ALREADY) from None
            raise
        found = checked(records, "contact_id")
        return _contact(found[0]) if found else None

    def remove(self, caller: Caller, contact_id: uuid.UUID) -> bool:
        cte = (
            "DELETE FROM contacts WHERE contact_id = :contact_id AND user_id = :user_id"
            f" AND {SIGNED_IN} RETURNING contact_id"
        )
        records = self._db.records(_with_check(cte), **caller_params(caller), contact_id=contact_id)
        return bool(checked(records, "contact_id"))
