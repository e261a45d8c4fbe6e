"""Calls in Postgres. Each method is one statement: one round trip, atomic on its own."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from calls_platform.adapters.postgres.call_sql import (
    ANSWER_SET,
    FAIL_STALE,
    FINAL,
    LIVE,
    OPEN_CALL,
    Move,
    call_of,
    columns,
    locked_update,
    outcome,
    transition_statement,
)
from calls_platform.adapters.postgres.database import Database
from calls_platform.adapters.postgres.rows import (
    caller_params,
    checked,
    with_caller_check,
)
from calls_platform.domain.calls import (
    DAY,
    LIVE_STATUSES,
    Call,
    CallLimits,
    CallStatus,
    EndReason,
    HistoryPosition,
    statuses_that_may_become,
)
from calls_platform.domain.errors import CallInProgress, DailyMinutesExceeded, UnknownUser
from calls_platform.domain.users import Caller
from calls_platform.use_cases.call_ports import ReportedCall, Transition

if TYPE_CHECKING:
    from calls_platform.domain.history import HistoryEntry, HistorySearch


class PgCallRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open(self, caller: Caller, call: Call, limits: CallLimits, day_start: datetime) -> int:
        """Record the caller's new call, in one statement that also enforces the user's limits: a free live-call
        slot (the partial unique index on (user_id, live_slot) makes parallel attempts unable to share one) and
        minutes left today, which it returns in seconds. Raises CallInProgress, DailyMinutesExceeded or
        UnknownUser; records nothing then."""
        [found] = self._db.records(
            OPEN_CALL,
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
        move = Move(
            key_column="call_id", key=call_id, target=target, at=at, owner=owner, reason=reason, duration=duration
        )
        return self._transition(move)

    def transition_by_provider_id(
        self,
        reported: ReportedCall,
        target: CallStatus,
        at: datetime,
        reason: EndReason | None,
        duration: int | None,
        only_from: frozenset[CallStatus] | None = None,
    ) -> Transition | None:
        provider_call_id, call_id = reported.provider_call_id, reported.call_id
        report = Move(
            key_column="provider_call_id", key=provider_call_id, target=target, at=at, reason=reason,
            duration=duration, only_from=only_from,
        )  # fmt: skip
        if call_id is None:  # a call placed before callbacks named it: found by the id stored at initiate then
            return self._transition(report)
        # Named by the call's id: found by it, and the same statement keeps the provider's id on the call.
        return self._transition(dataclasses.replace(report, key_column="call_id", key=call_id,
                                                    provider_call_id=provider_call_id))  # fmt: skip

    def correct_duration(self, provider_call_id: str, duration: int, call_id: uuid.UUID | None = None) -> Call | None:
        """The provider's billed seconds for an answered call that already ended; None if none changed."""
        key_column, key = ("provider_call_id", provider_call_id) if call_id is None else ("call_id", call_id)
        records = self._db.records(
            f"UPDATE calls c SET duration = :duration, provider_call_id = COALESCE(provider_call_id, :sid)"
            f" WHERE {key_column} = :key AND answer_time IS NOT NULL"
            f" AND status IN ({FINAL}) AND duration IS DISTINCT FROM :duration RETURNING {columns('c')}",
            key=key,
            sid=provider_call_id,
            duration=duration,
        )
        return call_of(records[0]) if records else None

    def _transition(self, move: Move) -> Transition | None:
        sql, params = transition_statement(move)
        records = self._db.records(sql, **params)
        return outcome(checked(records, "call_id") if move.owner else records)

    def record_answer(
        self, call_id: uuid.UUID, owner: Caller, sdp_answer: str, activate: bool, at: datetime
    ) -> Transition | None:
        records = self._db.records(
            locked_update(
                ANSWER_SET, "c.user_id = :user_id AND c.sdp_answer IS NULL AND c.status = ANY(:live)", signed_in=True
            ),
            **caller_params(owner),
            key=call_id,
            answer=sdp_answer,
            activate=activate,
            at=at,
            may_activate=sorted(s.value for s in statuses_that_may_become(CallStatus.ACTIVE)),
            live=sorted(s.value for s in LIVE_STATUSES),
        )
        return outcome(checked(records, "call_id"))

    def get(self, call_id: uuid.UUID, viewer: Caller) -> Call | None:
        records = self._db.records(
            with_caller_check(f"SELECT {columns()} FROM calls WHERE call_id = :call_id"),
            **caller_params(viewer),
            call_id=call_id,
        )
        found = checked(records, "call_id")
        return call_of(found[0]) if found else None

    def fail_stale(self, unanswered_before: datetime, active_before: datetime, at: datetime) -> list[Call]:
        """Close, as failed for a timeout, the calls nobody reported on: unanswered ones that began before
        `unanswered_before`, answered ones before `active_before`. One statement; each call once."""
        records = self._db.records(
            FAIL_STALE,
            failed=CallStatus.FAILED.value,
            timeout=EndReason.TIMEOUT.value,
            active=CallStatus.ACTIVE.value,
            at=at,
            unanswered_before=unanswered_before,
            active_before=active_before,
        )
        return [call_of(record) for record in records]

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
            f"SELECT {columns()} FROM calls WHERE provider_hangup_pending ORDER BY start_time LIMIT :limit",
            limit=limit,
        )
        return [call_of(record) for record in records]

    def count_live(self) -> int:
        [found] = self._db.records(f"SELECT count(*) AS live FROM calls WHERE status IN ({LIVE})")
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
        # Imported here: only the history's functions load its statement and its domain.
        from calls_platform.adapters.postgres.history import history_statement
        from calls_platform.domain.history import HistoryEntry

        sql, params = history_statement(columns("c"), caller, limit, before, status, search)
        records = self._db.records(sql, **params)
        if not records:
            raise UnknownUser()
        return [HistoryEntry(call_of(r), r["contact_name"]) for r in records if r["call_id"] is not None]

    def live_for_user(self, caller: Caller) -> list[Call]:
        """Served by calls_live_slot_key, whose predicate is the live statuses spelled as here."""
        records = self._db.records(
            with_caller_check(
                f"SELECT {columns()} FROM calls WHERE user_id = :user_id AND status IN ({LIVE})"
                " ORDER BY start_time DESC, call_id DESC"
            ),
            **caller_params(caller),
        )
        return [call_of(record) for record in checked(records, "call_id")]
