"""Users and calls in Postgres. Each method is one statement: one round trip, atomic on its own."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pg8000.exceptions import DatabaseError

from calls_platform.adapters.postgres import Database, sqlstate
from calls_platform.domain.calls import LIVE_STATUSES, Call, CallStatus, statuses_that_may_become
from calls_platform.domain.errors import UserAlreadyExists
from calls_platform.domain.users import User
from calls_platform.use_cases.ports import FinishOutcome

_UNIQUE_VIOLATION = "23505"

_CALL_COLUMNS = (
    "call_id, user_id, phone_number, status, session_id, sdp_offer, start_time,"
    " provider_call_id, end_time, duration, sdp_answer"
)


def _call(row: list[Any]) -> Call:
    return Call(
        call_id=row[0],
        user_id=row[1],
        phone_number=row[2],
        status=CallStatus(row[3]),
        session_id=row[4],
        sdp_offer=row[5],
        start_time=row[6],
        provider_call_id=row[7],
        end_time=row[8],
        duration=row[9],
        sdp_answer=row[10],
    )


class PgUserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, email: str, password_hash: str) -> User:
        try:
            rows = self._db.run(
                "INSERT INTO users (email, password_hash) VALUES (:email, :hash)"
                " RETURNING user_id, email, password_hash, created_at",
                email=email,
                hash=password_hash,
            )
        except DatabaseError as error:
            if sqlstate(error) == _UNIQUE_VIOLATION:
                raise UserAlreadyExists() from None
            raise
        return User(*rows[0])

    def get_by_email(self, email: str) -> User | None:
        rows = self._db.run(
            "SELECT user_id, email, password_hash, created_at FROM users WHERE lower(email) = lower(:email)",
            email=email,
        )
        return User(*rows[0]) if rows else None


class PgCallRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, call: Call) -> None:
        self._db.run(
            f"INSERT INTO calls ({_CALL_COLUMNS}) VALUES (:call_id, :user_id, :phone_number, :status,"
            " :session_id, :sdp_offer, :start_time, :provider_call_id, :end_time, :duration, :sdp_answer)",
            call_id=call.call_id,
            user_id=call.user_id,
            phone_number=call.phone_number,
            status=call.status.value,
            session_id=call.session_id,
            sdp_offer=call.sdp_offer,
            start_time=call.start_time,
            provider_call_id=call.provider_call_id,
            end_time=call.end_time,
            duration=call.duration,
            sdp_answer=call.sdp_answer,
        )

    def finish(
        self, call_id: uuid.UUID, user_id: uuid.UUID, status: CallStatus, end_time: datetime
    ) -> FinishOutcome | None:
        # FOR UPDATE serialises concurrent attempts and hands the loser the row as the winner left it, so
        # exactly one attempt ends the call. Duration: whole seconds since start, never negative.
        rows = self._db.run(
            f"""
            WITH target AS (
                SELECT {_CALL_COLUMNS} FROM calls WHERE call_id = :call_id FOR UPDATE
            ), ended AS (
                UPDATE calls c SET status = :status, end_time = GREATEST(:end_time, c.start_time),
                    duration = GREATEST(0, floor(extract(epoch FROM (:end_time - c.start_time))))::int
                FROM target t
                WHERE c.call_id = t.call_id AND c.user_id = :user_id AND c.status = ANY(:from_statuses)
                RETURNING {", ".join("c." + col.strip() for col in _CALL_COLUMNS.split(","))}
            )
            SELECT *, true FROM ended
            UNION ALL
            SELECT *, false FROM target WHERE NOT EXISTS (SELECT 1 FROM ended)
            """,
            call_id=call_id,
            user_id=user_id,
            status=status.value,
            end_time=end_time,
            from_statuses=sorted(s.value for s in statuses_that_may_become(status)),
        )
        if not rows:
            return None
        return FinishOutcome(call=_call(rows[0]), ended=rows[0][-1])

    def mark_failed(self, call_id: uuid.UUID, end_time: datetime) -> None:
        self._db.run(
            "UPDATE calls SET status = 'failed', end_time = GREATEST(:end_time, start_time), duration = 0"
            " WHERE call_id = :call_id AND status = ANY(:live)",
            call_id=call_id,
            end_time=end_time,
            live=sorted(s.value for s in LIVE_STATUSES),
        )

    def list_for_user(self, user_id: uuid.UUID, limit: int) -> list[Call]:
        rows = self._db.run(
            f"SELECT {_CALL_COLUMNS} FROM calls WHERE user_id = :user_id"
            " ORDER BY start_time DESC, call_id DESC LIMIT :limit",
            user_id=user_id,
            limit=limit,
        )
        return [_call(row) for row in rows]
