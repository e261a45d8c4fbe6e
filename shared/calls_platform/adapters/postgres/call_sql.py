"""The SQL of the calls table: its columns (named as domain.calls.Call's fields), the billing rule's one SQL
spelling, and the statements PgCallRepository runs (adapters/postgres/calls.py)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from calls_platform.adapters.postgres.rows import SIGNED_IN, caller_params, with_caller_check
from calls_platform.domain.calls import (
    FINAL_STATUSES,
    LIVE_STATUSES,
    Call,
    CallStatus,
    EndReason,
    statuses_that_may_become,
)
from calls_platform.domain.users import Caller
from calls_platform.use_cases.call_ports import Transition

# A call's columns are named as the fields of domain.calls.Call, in the same order.
_COLUMNS = tuple(field.name for field in dataclasses.fields(Call))


def columns(alias: str = "") -> str:
    """The call's columns for a select list, each qualified by the table's alias when one is given."""
    return ", ".join(f"{alias}.{column}" if alias else column for column in _COLUMNS)


def _statuses(statuses: frozenset[CallStatus]) -> str:
    """A set of the domain's statuses as an SQL list, in the state machine's order. Written into the text (not
    bound) where a partial index's predicate must be matched: ('connecting', 'ringing', 'active') is the
    predicate of calls_live_slot_key."""
    return ", ".join(f"'{status.value}'" for status in CallStatus if status in statuses)


LIVE = _statuses(LIVE_STATUSES)
FINAL = _statuses(FINAL_STATUSES)
UNANSWERED = _statuses(LIVE_STATUSES - {CallStatus.ACTIVE})

# The billing rule, domain.calls.billed_seconds, as SQL: whole seconds from the answer of call `c` to `at`,
# never negative, 0 if never answered. It has to run inside the statement that ends the call, where the
# locked row's answer_time is known; this is its only SQL spelling (every statement that bills uses it), and
# tests/contract/test_repositories.py runs the fakes (which use the domain's function) and these statements
# through the same cases, so the two cannot drift.
BILLED_SECONDS = """CASE WHEN c.answer_time IS NULL THEN 0
    ELSE GREATEST(0, floor(extract(epoch FROM (CAST({at} AS timestamptz) - c.answer_time))))::int END"""


def locked_update(set_clause: str, condition: str, key: str = "call_id", signed_in: bool = False) -> str:
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
        SELECT {columns()} FROM calls WHERE {key} = :key FOR UPDATE
    ), changed AS (
        UPDATE calls c SET {set_clause}
        FROM target t
        WHERE c.call_id = t.call_id AND {condition}
        RETURNING {columns("c")}
    ){rows}
    """


# Moving a call along the state machine (see domain.calls):
# - entering `active` stamps answer_time;
# - a final status stamps end_time (never before the start), the reason, and the billed duration: the
#   provider's figure when it gives one, else the billing rule.
TRANSITION_SET = f"""
    status = :status,
    answer_time = CASE WHEN :answered THEN GREATEST(CAST(:at AS timestamptz), c.start_time) ELSE c.answer_time END,
    end_time = CASE WHEN :final THEN GREATEST(CAST(:at AS timestamptz), c.start_time) END,
    end_reason = CASE WHEN :final THEN CAST(:reason AS text) END,
    duration = CASE WHEN :final THEN COALESCE(CAST(:duration AS integer), {BILLED_SECONDS.format(at=":at")}) END
"""

# Storing the browser's answer, once, on a live call; in mock mode it also connects the call.
ANSWER_SET = """
    sdp_answer = :answer,
    status = CASE WHEN :activate AND c.status = ANY(:may_activate) THEN 'active' ELSE c.status END,
    answer_time = CASE WHEN :activate AND c.answer_time IS NULL
                       THEN GREATEST(CAST(:at AS timestamptz), c.start_time) ELSE c.answer_time END
"""


def outcome(records: Sequence[Mapping[str, Any]]) -> Transition | None:
    if not records:
        return None
    record = records[0]
    return Transition(call=call_of(record), previous=CallStatus(record["previous"]), changed=record["moved"])


def call_of(record: Mapping[str, Any]) -> Call:
    fields = {column: record[column] for column in _COLUMNS}
    reason = fields.pop("end_reason")
    return Call(**{**fields, "status": CallStatus(fields["status"])}, end_reason=EndReason(reason) if reason else None)


# domain.calls.day_share as SQL: the seconds of call `c`'s billed time (its duration, or for a live call the
# billing rule up to the new call's start) that fall within today, counted from its answer (or its start).
DAY_SHARE = f"""GREATEST(0, floor(extract(epoch FROM (
        LEAST(COALESCE(c.answer_time, c.start_time)
              + make_interval(secs => COALESCE(c.duration, {BILLED_SECONDS.format(at=":start_time")})), :day_end)
        - GREATEST(COALESCE(c.answer_time, c.start_time), :day_start)))))::int"""

# Opening a call within limits. `slot` is the lowest live slot free in this statement's snapshot; a
# parallel statement that took it first makes ON CONFLICT skip the insert (it waits for that one to commit),
# so a user never holds more live calls than slots. Seconds spent today: billed durations of ended calls,
# plus the time so far of answered live ones.
OPEN_CALL = f"""
    WITH live AS (
        SELECT call_id, live_slot FROM calls
        WHERE user_id = :user_id AND status IN ({LIVE})
    ),
    spent AS (
        SELECT COALESCE(sum({DAY_SHARE}), 0) AS seconds
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
        ON CONFLICT (user_id, live_slot) WHERE status IN ({LIVE}) DO NOTHING
        RETURNING call_id
    )
    SELECT {SIGNED_IN} AS signed_in, EXISTS (SELECT 1 FROM opened) AS opened,
        (SELECT seconds FROM spent) AS spent, (SELECT call_id FROM live ORDER BY call_id LIMIT 1) AS live_call
"""

FAIL_STALE = f"""
    UPDATE calls c SET status = :failed, end_reason = :timeout,
        end_time = GREATEST(CAST(:at AS timestamptz), c.start_time),
        duration = {BILLED_SECONDS.format(at=":at")}
    WHERE (c.status IN ({UNANSWERED}) AND c.start_time < :unanswered_before)
       OR (c.status = :active AND c.start_time < :active_before)
    RETURNING {columns("c")}
"""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Move:
    """One attempt to move a call: found by `key_column` = `key` (call_id, or the provider's id), to `target`
    at `at`; with `owner`, only that caller's call; `only_from` narrows the statuses it may leave; a report
    naming the call by id also keeps `provider_call_id` on it."""

    key_column: str
    key: uuid.UUID | str
    target: CallStatus
    at: datetime
    owner: Caller | None = None
    reason: EndReason | None = None
    duration: int | None = None
    only_from: frozenset[CallStatus] | None = None
    provider_call_id: str | None = None


def transition_statement(move: Move) -> tuple[str, dict[str, Any]]:
    """The one locking statement that makes `move`, and its parameters."""
    target, owner, sid = move.target, move.owner, move.provider_call_id
    allowed = statuses_that_may_become(target) & (
        move.only_from if move.only_from is not None else frozenset(CallStatus)
    )
    condition = "c.status = ANY(:from_statuses)" + (" AND c.user_id = :user_id" if owner else "")
    # A provider's report naming the call also keeps the provider's id on it, in the same statement.
    set_clause = TRANSITION_SET + (", provider_call_id = COALESCE(c.provider_call_id, :sid)" if sid else "")
    params: dict[str, Any] = {
        **({"sid": sid} if sid else {}),
        "key": move.key,
        "status": target.value,
        "at": move.at,
        "final": target.is_final,
        "answered": target is CallStatus.ACTIVE,
        "reason": move.reason.value if move.reason else None,
        "duration": move.duration,
        "from_statuses": sorted(s.value for s in allowed),
        **(caller_params(owner) if owner else {}),
    }
    return locked_update(set_clause, condition, move.key_column, signed_in=owner is not None), params
