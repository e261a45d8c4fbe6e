"""Users and calls in Postgres. Each method is one statement: one round trip, atomic on its own."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from pg8000.exceptions import DatabaseError

from calls_platform.adapters.postgres import Database, sqlstate
from calls_platform.domain.calls import (
    LIVE_STATUSES,
    Call,
    CallLimits,
    CallStatus,
    EndReason,
    HistoryPosition,
    statuses_that_may_become,
)
from calls_platform.domain.errors import CallInProgress, DailyMinutesExceeded, UnknownUser, UserAlreadyExists
from calls_platform.domain.users import User, canonical_email
from calls_platform.use_cases.ports import RefreshClaims, RefreshUse, Transition

_UNIQUE_VIOLATION = "23505"
_FOREIGN_KEY_VIOLATION = "23503"

_CALL_COLUMNS = (
    "call_id, user_id, phone_number, status, session_id, sdp_offer, start_time,"
    " provider_call_id, end_time, duration, sdp_answer, answer_time, end_reason"
)
_PLACEHOLDERS = ", ".join(":" + column.strip() for column in _CALL_COLUMNS.split(","))
_C_COLUMNS = ", ".join("c." + column.strip() for column in _CALL_COLUMNS.split(","))


def _locked_update(set_clause: str, condition: str, key: str = "call_id", user_param: str | None = None) -> str:
    """One statement that locks the call, updates it if `condition` holds, and returns the row as it is now,
    its status before, and whether it changed. FOR UPDATE serialises concurrent attempts and hands each loser
    the row as the winner left it, so exactly one of them changes it. With `user_param`, every row is led by
    whether that user exists (and one row of NULLs stands for no call), see _checked."""
    rows = """
        SELECT changed.*, (SELECT status FROM target), true FROM changed
        UNION ALL
        SELECT target.*, target.status, false FROM target WHERE NOT EXISTS (SELECT 1 FROM changed)"""
    if user_param:
        rows = f"""
        SELECT EXISTS (SELECT 1 FROM users WHERE user_id = :{user_param}), found.*
        FROM (SELECT 1) AS one LEFT JOIN ({rows}) AS found ON true"""
    return f"""
    WITH target AS (
        SELECT {_CALL_COLUMNS} FROM calls WHERE {key} = :key FOR UPDATE
    ), changed AS (
        UPDATE calls c SET {set_clause}
        FROM target t
        WHERE c.call_id = t.call_id AND {condition}
        RETURNING {_C_COLUMNS}
    ){rows}
    """


def _with_user_check(sql: str, user_param: str) -> str:
    """A plain SELECT's rows, each led by whether the user `user_param` exists, and one row of NULLs if none:
    a token whose user is gone is found out by the statement the request runs anyway."""
    return f"""
    SELECT EXISTS (SELECT 1 FROM users WHERE user_id = :{user_param}), found.*
    FROM (SELECT 1) AS one LEFT JOIN ({sql}) AS found ON true
    """


# Moving a call along the state machine (see domain.calls):
# - entering `active` stamps answer_time;
# - a final status stamps end_time (never before the start), the reason, and the billed duration: the
#   provider's figure when it gives one, else whole seconds since the answer, 0 if never answered
#   (the same rule as domain.calls.Call.ended).
_TRANSITION_SET = """
    status = :status,
    answer_time = CASE WHEN :answered THEN GREATEST(CAST(:at AS timestamptz), c.start_time) ELSE c.answer_time END,
    end_time = CASE WHEN :final THEN GREATEST(CAST(:at AS timestamptz), c.start_time) END,
    end_reason = CASE WHEN :final THEN CAST(:reason AS text) END,
    duration = CASE WHEN :final THEN COALESCE(CAST(:duration AS integer), CASE WHEN c.answer_time IS NULL THEN 0
        ELSE GREATEST(0, floor(extract(epoch FROM (CAST(:at AS timestamptz) - c.answer_time))))::int END) END
"""

# Storing the browser's answer, once, on a live call; in mock mode it also connects the call.
_ANSWER_SET = """
    sdp_answer = :answer,
    status = CASE WHEN :activate AND c.status = ANY(:may_activate) THEN 'active' ELSE c.status END,
    answer_time = CASE WHEN :activate AND c.answer_time IS NULL
                       THEN GREATEST(CAST(:at AS timestamptz), c.start_time) ELSE c.answer_time END
"""


def _checked(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows of a statement wrapped by _with_user_check, without the check column; UnknownUser if it failed."""
    if not rows or not rows[0][0]:
        raise UnknownUser()
    return [row[1:] for row in rows if row[1] is not None]


def _outcome(rows: list[list[Any]]) -> Transition | None:
    if not rows:
        return None
    row = rows[0]
    return Transition(call=_call(row), previous=CallStatus(row[-2]), moved=row[-1])


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
        answer_time=row[11],
        end_reason=EndReason(row[12]) if row[12] else None,
    )


# Opening a call within limits. `slot` is the lowest live slot free in this statement's snapshot; a
# parallel statement that took it first makes ON CONFLICT skip the insert (it waits for that one to commit),
# so a user never holds more live calls than slots. Seconds spent today: billed durations of ended calls,
# plus the time so far of answered live ones.
_OPEN_CALL = """
    WITH me AS (SELECT user_id FROM users WHERE user_id = :user_id),
    live AS (
        SELECT call_id, live_slot FROM calls
        WHERE user_id = :user_id AND status IN ('connecting', 'ringing', 'active')
    ),
    spent AS (
        SELECT COALESCE(sum(COALESCE(duration,
            CASE WHEN answer_time IS NULL THEN 0
                 ELSE GREATEST(0, extract(epoch FROM (CAST(:start_time AS timestamptz) - answer_time)))::int END
        )), 0) AS seconds
        FROM calls WHERE user_id = :user_id AND start_time >= :day_start
    ),
    slot AS (
        SELECT s FROM generate_series(0, CAST(:live_slots AS int) - 1) AS s
        WHERE s NOT IN (SELECT live_slot FROM live WHERE live_slot IS NOT NULL) ORDER BY s LIMIT 1
    ),
    opened AS (
        INSERT INTO calls (call_id, user_id, phone_number, status, session_id, sdp_offer, start_time, live_slot)
        SELECT :call_id, user_id, :phone_number, :status, :session_id, :sdp_offer, :start_time, (SELECT s FROM slot)
        FROM me
        WHERE EXISTS (SELECT 1 FROM slot) AND (SELECT seconds FROM spent) < :daily_seconds
        ON CONFLICT (user_id, live_slot) WHERE status IN ('connecting', 'ringing', 'active') DO NOTHING
        RETURNING call_id
    )
    SELECT EXISTS (SELECT 1 FROM me), EXISTS (SELECT 1 FROM opened), (SELECT seconds FROM spent),
        (SELECT call_id FROM live ORDER BY call_id LIMIT 1)
"""


class PgUserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, email: str, password_hash: str) -> User:
        try:
            rows = self._db.run(
                "INSERT INTO users (email, email_key, password_hash) VALUES (:email, :key, :hash)"
                " RETURNING user_id, email, password_hash, created_at",
                email=email,
                key=canonical_email(email),
                hash=password_hash,
            )
        except DatabaseError as error:
            if sqlstate(error) == _UNIQUE_VIOLATION:
                raise UserAlreadyExists() from None
            raise
        return User(*rows[0])

    def get_by_email(self, email: str) -> User | None:
        rows = self._db.run(
            "SELECT user_id, email, password_hash, created_at FROM users WHERE email_key = :key",
            key=canonical_email(email),
        )
        return User(*rows[0]) if rows else None

    def exists(self, user_id: uuid.UUID) -> bool:
        return bool(self._db.run("SELECT EXISTS (SELECT 1 FROM users WHERE user_id = :u)", u=user_id)[0][0])


class PgCallRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open(self, call: Call, limits: CallLimits, day_start: datetime) -> None:
        """Record a new call, in one statement that also enforces the user's limits: a free live-call slot
        (the partial unique index on (user_id, live_slot) makes parallel attempts unable to share one) and
        minutes left today. Raises CallInProgress, DailyMinutesExceeded or UnknownUser; records nothing then."""
        [[user_exists, opened, spent, live_call]] = self._db.run(
            _OPEN_CALL,
            call_id=call.call_id,
            user_id=call.user_id,
            phone_number=call.phone_number,
            status=call.status.value,
            session_id=call.session_id,
            sdp_offer=call.sdp_offer,
            start_time=call.start_time,
            live_slots=limits.live_calls,
            day_start=day_start,
            daily_seconds=limits.daily_minutes * 60,
        )
        if opened:
            return
        if not user_exists:
            raise UnknownUser()
        if spent >= limits.daily_minutes * 60:
            until_tomorrow = day_start + timedelta(days=1) - call.start_time
            raise DailyMinutesExceeded(
                f"the daily limit of {limits.daily_minutes} calling minutes is used up; it renews at 00:00 UTC",
                max(1, int(until_tomorrow.total_seconds()) + 1),
            )
        live = f" (call_id {live_call})" if live_call else ""
        raise CallInProgress(f"another call is in progress{live}; end it before starting a new one")

    def discard(self, call_id: uuid.UUID) -> None:
        """Forget a call that was never dialled (the provider refused its number)."""
        self._db.run("DELETE FROM calls WHERE call_id = :c AND provider_call_id IS NULL", c=call_id)

    def record_placed(self, call: Call) -> None:
        """The provider's id of a call it accepted (a second statement: the id exists only after dialling)."""
        self._db.run(
            "UPDATE calls SET provider_call_id = :p WHERE call_id = :c", p=call.provider_call_id, c=call.call_id
        )

    def add(self, call: Call) -> None:
        try:
            self._insert(call)
        except DatabaseError as error:
            if sqlstate(error) == _FOREIGN_KEY_VIOLATION:
                raise UnknownUser() from None  # the token's user no longer exists: found by the insert itself
            raise

    def _insert(self, call: Call) -> None:
        self._db.run(
            f"INSERT INTO calls ({_CALL_COLUMNS}) VALUES ({_PLACEHOLDERS})",
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
            answer_time=call.answer_time,
            end_reason=call.end_reason.value if call.end_reason else None,
        )

    def transition(
        self,
        call_id: uuid.UUID,
        target: CallStatus,
        at: datetime,
        *,
        owner: uuid.UUID | None = None,
        reason: EndReason | None = None,
        duration: int | None = None,
    ) -> Transition | None:
        return self._transition("call_id", call_id, target, at, owner, reason, duration)

    def transition_by_provider_id(
        self,
        provider_call_id: str,
        target: CallStatus,
        at: datetime,
        reason: EndReason | None,
        duration: int | None,
        only_from: frozenset[CallStatus] | None = None,
    ) -> Transition | None:
        return self._transition("provider_call_id", provider_call_id, target, at, None, reason, duration, only_from)

    def correct_duration(self, provider_call_id: str, duration: int) -> Call | None:
        """The provider's billed seconds for an answered call that already ended; None if none changed."""
        rows = self._db.run(
            f"UPDATE calls c SET duration = :duration WHERE provider_call_id = :key AND answer_time IS NOT NULL"
            f" AND status <> ALL(:live) AND duration IS DISTINCT FROM :duration RETURNING {_C_COLUMNS}",
            key=provider_call_id,
            duration=duration,
            live=sorted(s.value for s in LIVE_STATUSES),
        )
        return _call(rows[0]) if rows else None

    def _transition(
        self,
        key_column: str,
        key: uuid.UUID | str,
        target: CallStatus,
        at: datetime,
        owner: uuid.UUID | None,
        reason: EndReason | None,
        duration: int | None,
        only_from: frozenset[CallStatus] | None = None,
    ) -> Transition | None:
        allowed = statuses_that_may_become(target) & (only_from if only_from is not None else frozenset(CallStatus))
        condition = "c.status = ANY(:from_statuses)" + (" AND c.user_id = :owner" if owner else "")
        rows = self._db.run(
            _locked_update(_TRANSITION_SET, condition, key_column, "owner" if owner else None),
            key=key,
            status=target.value,
            at=at,
            final=target.is_final,
            answered=target is CallStatus.ACTIVE,
            reason=reason.value if reason else None,
            duration=duration,
            from_statuses=sorted(s.value for s in allowed),
            **({"owner": owner} if owner else {}),
        )
        return _outcome(_checked(rows) if owner else rows)

    def record_answer(
        self, call_id: uuid.UUID, owner: uuid.UUID, sdp_answer: str, activate: bool, at: datetime
    ) -> Transition | None:
        rows = self._db.run(
            _locked_update(
                _ANSWER_SET, "c.user_id = :owner AND c.sdp_answer IS NULL AND c.status = ANY(:live)", user_param="owner"
            ),
            key=call_id,
            owner=owner,
            answer=sdp_answer,
            activate=activate,
            at=at,
            may_activate=sorted(s.value for s in statuses_that_may_become(CallStatus.ACTIVE)),
            live=sorted(s.value for s in LIVE_STATUSES),
        )
        return _outcome(_checked(rows))

    def get(self, call_id: uuid.UUID, viewer: uuid.UUID) -> Call | None:
        rows = self._db.run(
            _with_user_check(f"SELECT {_CALL_COLUMNS} FROM calls WHERE call_id = :call_id", "viewer"),
            call_id=call_id,
            viewer=viewer,
        )
        rows = _checked(rows)
        return _call(rows[0]) if rows else None

    def fail_stale(self, unanswered_before: datetime, active_before: datetime, at: datetime) -> list[Call]:
        """Close, as failed for a timeout, the calls nobody reported on: unanswered ones that began before
        `unanswered_before`, answered ones before `active_before`. One statement; each call once."""
        rows = self._db.run(
            f"""
            UPDATE calls c SET status = 'failed', end_reason = 'timeout',
                end_time = GREATEST(CAST(:at AS timestamptz), c.start_time),
                duration = CASE WHEN c.answer_time IS NULL THEN 0
                    ELSE GREATEST(0, floor(extract(epoch FROM (CAST(:at AS timestamptz) - c.answer_time))))::int END
            WHERE (c.status IN ('connecting', 'ringing') AND c.start_time < :unanswered_before)
               OR (c.status = 'active' AND c.start_time < :active_before)
            RETURNING {_C_COLUMNS}
            """,
            at=at,
            unanswered_before=unanswered_before,
            active_before=active_before,
        )
        return [_call(row) for row in rows]

    def mark_hangup_pending(self, call_id: uuid.UUID, pending: bool) -> None:
        self._db.run("UPDATE calls SET provider_hangup_pending = :p WHERE call_id = :c", p=pending, c=call_id)

    def pending_hang_ups(self, limit: int) -> list[Call]:
        """Ended calls whose provider hang-up is unconfirmed, oldest first (calls_provider_hangup_pending_idx)."""
        rows = self._db.run(
            f"SELECT {_CALL_COLUMNS} FROM calls WHERE provider_hangup_pending ORDER BY start_time LIMIT :limit",
            limit=limit,
        )
        return [_call(row) for row in rows]

    def count_live(self) -> int:
        [[count]] = self._db.run("SELECT count(*) FROM calls WHERE status IN ('connecting', 'ringing', 'active')")
        return int(count)

    def list_for_user(
        self, user_id: uuid.UUID, limit: int, before: HistoryPosition | None = None, status: CallStatus | None = None
    ) -> list[Call]:
        # Keyset pagination on (start_time, call_id), newest first: served by calls_user_history_idx
        # (or calls_user_status_history_idx with a status), no sort and no OFFSET at any depth.
        conditions = ["c.user_id = u.user_id"]
        params: dict[str, Any] = {"user_id": user_id, "limit": limit}
        if before is not None:
            conditions.append("(c.start_time, c.call_id) < (:before_time, :before_id)")
            params.update(before_time=before.start_time, before_id=before.call_id)
        if status is not None:
            conditions.append("c.status = :status")
            params["status"] = status.value
        # From the user's row: no row at all means the token's user is gone (no extra round trip).
        rows = self._db.run(
            f"SELECT page.* FROM users u LEFT JOIN LATERAL ("
            f" SELECT {_C_COLUMNS} FROM calls c WHERE {' AND '.join(conditions)}"
            " ORDER BY c.start_time DESC, c.call_id DESC LIMIT :limit) page ON true"
            " WHERE u.user_id = :user_id",
            **params,
        )
        if not rows:
            raise UnknownUser()
        return [_call(row) for row in rows if row[0] is not None]


class PgRefreshTokens:
    """Used refresh tokens (by hash) and revoked families: rotation and reuse detection in one statement."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def use(self, claims: RefreshClaims) -> RefreshUse:
        [[user_exists, revoked, first_use]] = self._db.run(
            """
            WITH me AS (SELECT user_id FROM users WHERE user_id = :user_id),
            revoked AS (SELECT 1 FROM revoked_token_families WHERE family_id = :family),
            used AS (
                INSERT INTO refresh_token_uses (token_hash, family_id, user_id, expires_at)
                SELECT :hash, :family, user_id, :expires FROM me WHERE NOT EXISTS (SELECT 1 FROM revoked)
                ON CONFLICT (token_hash) DO NOTHING
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM me), EXISTS (SELECT 1 FROM revoked), EXISTS (SELECT 1 FROM used)
            """,
            user_id=claims.user_id,
            family=claims.family,
            hash=claims.token_hash,
            expires=claims.expires_at,
        )
        if not user_exists:
            return RefreshUse.NO_USER
        if revoked:
            return RefreshUse.REVOKED
        return RefreshUse.FIRST_USE if first_use else RefreshUse.REUSED

    def is_revoked(self, family: uuid.UUID) -> bool:
        sql = "SELECT EXISTS (SELECT 1 FROM revoked_token_families WHERE family_id = :f)"
        return bool(self._db.run(sql, f=family)[0][0])

    def revoke_family(self, claims: RefreshClaims, reason: str) -> None:
        self._db.run(
            "INSERT INTO revoked_token_families (family_id, user_id, reason, expires_at)"
            " SELECT :family, user_id, :reason, :expires FROM users WHERE user_id = :user_id"
            " ON CONFLICT (family_id) DO NOTHING",
            family=claims.family,
            user_id=claims.user_id,
            reason=reason,
            expires=claims.expires_at,
        )
