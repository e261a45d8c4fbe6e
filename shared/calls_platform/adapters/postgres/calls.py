"""Calls in Postgres. Each method is one statement: one round trip, atomic on its own."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from calls_platform.adapters.postgres.database import Database
from calls_platform.adapters.postgres.history import history_statement
from calls_platform.adapters.postgres.rows import (
    SIGNED_IN,
    caller_params,
    checked,
    with_caller_check,
)
from calls_platform.domain.calls import (
    DAY,
    FINAL_STATUSES,
    LIVE_STATUSES,
    Call,
    CallLimits,
    CallStatus,
    EndReason,
    HistoryPosition,
    statuses_that_may_become,
)
from calls_platform.domain.errors import CallInProgress, DailyMinutesExceeded, UnknownUser
from calls_platform.domain.history import HistoryEntry, HistorySearch
from calls_platform.domain.users import Caller
from calls_platform.use_cases.ports import Transition

# A call's columns are named as the fields of domain.calls.Call, in the same order.
_COLUMNS = tuple(field.name for field in dataclasses.fields(Call))
_CALL_COLUMNS = ", ".join(_COLUMNS)
_C_COLUMNS = ", ".join("c." + column for column in _COLUMNS)


def _statuses(statuses: frozenset[CallStatus]) -> str:
    """A set of the domain's statuses as an SQL list, in the state machine's order. Written into the text (not
    bound) where a partial index's predicate must be matched: ('connecting', 'ringing', 'active') is the
    predicate of calls_live_slot_key."""
    return ", ".join(f"'{status.value}'" for status in CallStatus if status in statuses)


_LIVE = _statuses(LIVE_STATUSES)
_FINAL = _statuses(FINAL_STATUSES)
_UNANSWERED = _statuses(LIVE_STATUSES - {CallStatus.ACTIVE})

# The billing rule, domain.calls.billed_seconds, as SQL: whole seconds from the answer of call `c` to `at`,
# never negative, 0 if never answered. It has to run inside the statement that ends the call, where the
# locked row's answer_time is known; this is its only SQL spelling (every statement that bills uses it), and
# tests/contract/test_repositories.py runs the fakes (which use the domain's function) and these statements
# through the same cases, so the two cannot drift.
_BILLED_SECONDS = """CASE WHEN c.answer_time IS NULL THEN 0
    ELSE GREATEST(0, floor(extract(epoch FROM (CAST({at} AS timestamptz) - c.answer_time))))::int END"""


def _locked_update(set_clause: str, condition: str, key: str = "call_id", signed_in: bool = False) -> str:
    """One statement that locks the call, updates it if `condition` holds, and returns the row as it is now,
    its status before (`previous`), and whether it changed (`moved`). FOR UPDATE serialises concurrent
    attempts and hands each loser the row as the winner left it, so exactly one of them changes it. With
    `signed_in`, the rows carry the check of the caller (rows.with_caller_check)."""
    rows = """
        SELECT changed.*, (SELECT status FROM target) AS previous, true AS moved FROM changed
        UNION ALL
        SELECT target.*, target.status, false FROM target WHERE NOT EXISTS (SELECT 1 FROM changed)"""
    if signed_in:
        rows = with_caller_check(rows)
        condition = f"{condition} AND {SIGNED_IN}"  # a caller refused changes nothing
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


# Moving a call along the state machine (see domain.calls):
# - entering `active` stamps answer_time;
# - a final status stamps end_time (never before the start), the reason, and the billed duration: the
#   provider's figure when it gives one, else the billing rule.
_TRANSITION_SET = f"""
    status = :status,
    answer_time = CASE WHEN :answered THEN GREATEST(CAST(:at AS timestamptz), c.start_time) ELSE c.answer_time END,
    end_time = CASE WHEN :final THEN GREATEST(CAST(:at AS timestamptz), c.start_time) END,
    end_reason = CASE WHEN :final THEN CAST(:reason AS text) END,
    duration = CASE WHEN :final THEN COALESCE(CAST(:duration AS integer), {_BILLED_SECONDS.format(at=":at")}) END
"""

# Storing the browser's answer, once, on a live call; in mock mode it also connects the call.
_ANSWER_SET = """
    sdp_answer = :answer,
    status = CASE WHEN :activate AND c.status = ANY(:may_activate) THEN 'active' ELSE c.status END,
    answer_time = CASE WHEN :activate AND c.answer_time IS NULL
                       THEN GREATEST(CAST(:at AS timestamptz), c.start_time) ELSE c.answer_time END
"""


def _outcome(records: Sequence[Mapping[str, Any]]) -> Transition | None:
    if not records:
        return None
    record = records[0]
    return Transition(call=_call(record), previous=CallStatus(record["previous"]), moved=record["moved"])


def _call(record: Mapping[str, Any]) -> Call:
    fields = {column: record[column] for column in _COLUMNS}
    reason = fields.pop("end_reason")
    return Call(**{**fields, "status": CallStatus(fields["status"])}, end_reason=EndReason(reason) if reason else None)


# domain.calls.day_share as SQL: the seconds of call `c`'s billed time (its duration, or for a live call the
# billing rule up to the new call's start) that fall within today, counted from its answer (or its start).
_DAY_SHARE = f"""GREATEST(0, floor(extract(epoch FROM (
        LEAST(COALESCE(c.answer_time, c.start_time)
              + make_interval(secs => COALESCE(c.duration, {_BILLED_SECONDS.format(at=":start_time")})), :day_end)
        - GREATEST(COALESCE(c.answer_time, c.start_time), :day_start)))))::int"""

# Opening a call within limits. `slot` is the lowest live slot free in this statement's snapshot; a
# parallel statement that took it first makes ON CONFLICT skip the insert (it waits for that one to commit),
# so a user never holds more live calls than slots. Seconds spent today: billed durations of ended calls,
# plus the time so far of answered live ones.
_OPEN_CALL = f"""
    WITH live AS (
        SELECT call_id, live_slot FROM calls
        WHERE user_id = :user_id AND status IN ({_LIVE})
    ),
    spent AS (
        SELECT COALESCE(sum({_DAY_SHARE}), 0) AS seconds
        FROM calls c WHERE c.user_id = :user_id AND c.start_time >= :lookback AND c.start_time < :day_end
    ),
    slot AS (
        SELECT s FROM generate_series(0, CAST(:live_slots AS int) - 1) AS s
        WHERE s NOT IN (SELECT live_slot FROM live WHERE live_slot IS NOT NULL) ORDER BY s LIMIT 1
    ),
    opened AS (
        INSERT INTO calls (call_id, user_id, phone_number, status, session_id, sdp_offer, start_time, live_slot)
        SELECT :call_id, CAST(:user_id AS uuid), :phone_number, :status, :session_id, :sdp_offer, :start_time,
            (SELECT s FROM slot)
        WHERE {SIGNED_IN} AND EXISTS (SELECT 1 FROM slot) AND (SELECT seconds FROM spent) < :daily_seconds
        ON CONFLICT (user_id, live_slot) WHERE status IN ({_LIVE}) DO NOTHING
        RETURNING call_id
    )
    SELECT {SIGNED_IN} AS signed_in, EXISTS (SELECT 1 FROM opened) AS opened,
        (SELECT seconds FROM spent) AS spent, (SELECT call_id FROM live ORDER BY call_id LIMIT 1) AS live_call
"""

_FAIL_STALE = f"""
    UPDATE calls c SET status = :failed, end_reason = :timeout,
        end_time = GREATEST(CAST(:at AS timestamptz), c.start_time),
        duration = {_BILLED_SECONDS.format(at=":at")}
    WHERE (c.status IN ({_UNANSWERED}) AND c.start_time < :unanswered_before)
       OR (c.status = :active AND c.start_time < :active_before)
    RETURNING {_C_COLUMNS}
"""


class PgCallRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open(self, caller: Caller, call: Call, limits: CallLimits, day_start: datetime) -> int:
        """Record the caller's new call, in one statement that also enforces the user's limits: a free live-call
        slot (the partial unique index on (user_id, live_slot) makes parallel attempts unable to share one) and
        minutes left today, which it returns in seconds. Raises CallInProgress, DailyMinutesExceeded or
        UnknownUser; records nothing then."""
        [found] = self._db.records(
            _OPEN_CALL,
            **caller_params(caller),
            call_id=call.call_id,
            phone_number=call.phone_number,
            status=call.status.value,
            session_id=call.session_id,
            sdp_offer=call.sdp_offer,
            start_time=call.start_time,
            live_slots=limits.live_calls,
            day_start=day_start,
            day_end=day_start + DAY,
            lookback=day_start - DAY,  # no call lasts a day (MAX_CALL_SECONDS, the sweep): none before counts
            daily_seconds=limits.daily_minutes * 60,
        )
        if found["opened"]:
            return int(limits.daily_minutes * 60 - found["spent"])
        if not found["signed_in"]:
            raise UnknownUser()
        if found["spent"] >= limits.daily_minutes * 60:
            until_tomorrow = day_start + timedelta(days=1) - call.start_time
            raise DailyMinutesExceeded(
                f"the daily limit of {limits.daily_minutes} calling minutes is used up; it renews at 00:00 UTC",
                max(1, int(until_tomorrow.total_seconds()) + 1),
            )
        live = f" (call_id {found['live_call']})" if found["live_call"] else ""
        raise CallInProgress(f"another call is in progress{live}; end it before starting a new one")

    def discard(self, call_id: uuid.UUID) -> None:
        """Forget a call that was never dialled (the provider refused its number)."""
        self._db.run("DELETE FROM calls WHERE call_id = :c AND provider_call_id IS NULL", c=call_id)

    def transition(
        self,
        call_id: uuid.UUID,
        target: CallStatus,
        at: datetime,
        *,
        owner: Caller | None = None,
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
        call_id: uuid.UUID | None = None,
    ) -> Transition | None:
        if call_id is None:  # a call placed before callbacks named it: found by the id stored at initiate then
            return self._transition("provider_call_id", provider_call_id, target, at, None, reason, duration, only_from)
        return self._transition("call_id", call_id, target, at, None, reason, duration, only_from, provider_call_id)

    def correct_duration(self, provider_call_id: str, duration: int, call_id: uuid.UUID | None = None) -> Call | None:
        """The provider's billed seconds for an answered call that already ended; None if none changed."""
        key_column, key = ("provider_call_id", provider_call_id) if call_id is None else ("call_id", call_id)
        records = self._db.records(
            f"UPDATE calls c SET duration = :duration, provider_call_id = COALESCE(provider_call_id, :sid)"
            f" WHERE {key_column} = :key AND answer_time IS NOT NULL"
            f" AND status IN ({_FINAL}) AND duration IS DISTINCT FROM :duration RETURNING {_C_COLUMNS}",
            key=key,
            sid=provider_call_id,
            duration=duration,
        )
        return _call(records[0]) if records else None

    def _transition(
        self,
        key_column: str,
        key: uuid.UUID | str,
        target: CallStatus,
        at: datetime,
        owner: Caller | None,
        reason: EndReason | None,
        duration: int | None,
        only_from: frozenset[CallStatus] | None = None,
        provider_call_id: str | None = None,
    ) -> Transition | None:
        allowed = statuses_that_may_become(target) & (only_from if only_from is not None else frozenset(CallStatus))
        condition = "c.status = ANY(:from_statuses)" + (" AND c.user_id = :user_id" if owner else "")
        # A provider's report naming the call also keeps the provider's id on it, in the same statement.
        set_clause = _TRANSITION_SET + (
            ", provider_call_id = COALESCE(c.provider_call_id, :sid)" if provider_call_id else ""
        )
        records = self._db.records(
            _locked_update(set_clause, condition, key_column, signed_in=owner is not None),
            **({"sid": provider_call_id} if provider_call_id else {}),
            key=key,
            status=target.value,
            at=at,
            final=target.is_final,
            answered=target is CallStatus.ACTIVE,
            reason=reason.value if reason else None,
            duration=duration,
            from_statuses=sorted(s.value for s in allowed),
            **(caller_params(owner) if owner else {}),
        )
        return _outcome(checked(records, "call_id") if owner else records)

    def record_answer(
        self, call_id: uuid.UUID, owner: Caller, sdp_answer: str, activate: bool, at: datetime
    ) -> Transition | None:
        records = self._db.records(
            _locked_update(
                _ANSWER_SET, "c.user_id = :user_id AND c.sdp_answer IS NULL AND c.status = ANY(:live)", signed_in=True
            ),
            **caller_params(owner),
            key=call_id,
            answer=sdp_answer,
            activate=activate,
            at=at,
            may_activate=sorted(s.value for s in statuses_that_may_become(CallStatus.ACTIVE)),
            live=sorted(s.value for s in LIVE_STATUSES),
        )
        return _outcome(checked(records, "call_id"))

    def get(self, call_id: uuid.UUID, viewer: Caller) -> Call | None:
        records = self._db.records(
            with_caller_check(f"SELECT {_CALL_COLUMNS} FROM calls WHERE call_id = :call_id"),
            **caller_params(viewer),
            call_id=call_id,
        )
        found = checked(records, "call_id")
        return _call(found[0]) if found else None

    def fail_stale(self, unanswered_before: datetime, active_before: datetime, at: datetime) -> list[Call]:
        """Close, as failed for a timeout, the calls nobody reported on: unanswered ones that began before
        `unanswered_before`, answered ones before `active_before`. One statement; each call once."""
        records = self._db.records(
            _FAIL_STALE,
            failed=CallStatus.FAILED.value,
            timeout=EndReason.TIMEOUT.value,
            active=CallStatus.ACTIVE.value,
            at=at,
            unanswered_before=unanswered_before,
            active_before=active_before,
        )
        return [_call(record) for record in records]

    def mark_hangup_pending(self, call_id: uuid.UUID, pending: bool, provider_call_id: str | None = None) -> None:
        self._db.run(
            "UPDATE calls SET provider_hangup_pending = :p, provider_call_id = COALESCE(provider_call_id, :sid)"
            " WHERE call_id = :c",
            p=pending,
            sid=provider_call_id,
            c=call_id,
        )

    def pending_hang_ups(self, limit: int) -> list[Call]:
        """Ended calls whose provider hang-up is unconfirmed, oldest first (calls_provider_hangup_pending_idx)."""
        records = self._db.records(
            f"SELECT {_CALL_COLUMNS} FROM calls WHERE provider_hangup_pending ORDER BY start_time LIMIT :limit",
            limit=limit,
        )
        return [_call(record) for record in records]

    def count_live(self) -> int:
        [found] = self._db.records(f"SELECT count(*) AS live FROM calls WHERE status IN ({_LIVE})")
        return int(found["live"])

    def list_for_user(
        self, caller: Caller, limit: int, before: HistoryPosition | None = None, status: CallStatus | None = None
    ) -> list[Call]:
        return [entry.call for entry in self.history(caller, limit, before, status)]

    def history(
        self,
        caller: Caller,
        limit: int,
        before: HistoryPosition | None = None,
        status: CallStatus | None = None,
        search: HistorySearch | None = None,
    ) -> list[HistoryEntry]:
        sql, params = history_statement(_C_COLUMNS, caller, limit, before, status, search)
        records = self._db.records(sql, **params)
        if not records:
            raise UnknownUser()
        return [HistoryEntry(_call(r), r["contact_name"]) for r in records if r["call_id"] is not None]

    def live_for_user(self, caller: Caller) -> list[Call]:
        """Served by calls_live_slot_key, whose predicate is the live statuses spelled as here."""
        records = self._db.records(
            with_caller_check(
                f"SELECT {_CALL_COLUMNS} FROM calls WHERE user_id = :user_id AND status IN ({_LIVE})"
                " ORDER BY start_time DESC, call_id DESC"
            ),
            **caller_params(caller),
        )
        return [_call(record) for record in checked(records, "call_id")]
