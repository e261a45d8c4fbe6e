"""Calls and their life: one state machine shared by the API, the mock provider and provider webhooks."""

from __future__ import annotations

import dataclasses
import enum
import secrets
import uuid
from datetime import datetime, timedelta

from calls_platform.domain.destinations import HIGH_RISK_COUNTRIES
from calls_platform.domain.errors import ValidationError


class CallStatus(enum.StrEnum):
    CONNECTING = "connecting"
    RINGING = "ringing"
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    CANCELED = "canceled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


class EndReason(enum.StrEnum):
    CALLER_HUNG_UP = "caller_hung_up"
    CALLEE_HUNG_UP = "callee_hung_up"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELED = "canceled"
    BROWSER_NOT_ANSWERED = "browser_not_answered"  # the caller's browser never took its leg: nothing dialled
    PAGE_GONE = "page_gone"  # the page showing the call stopped polling (closed, crashed, offline): its heartbeat
    CONNECTION_LOST = "connection_lost"  # the call's media failed or its peer went away


FINAL_STATUSES = frozenset(
    {CallStatus.COMPLETED, CallStatus.FAILED, CallStatus.BUSY, CallStatus.NO_ANSWER, CallStatus.CANCELED}
)
LIVE_STATUSES = frozenset(CallStatus) - FINAL_STATUSES


@dataclasses.dataclass(frozen=True)
class CallLimits:
    """What one user may spend: calls live at once, minutes of calls a UTC day, attempts an hour, and where
    (checked at initiate)."""

    live_calls: int = 1
    daily_minutes: int = 120
    countries: frozenset[str] = frozenset()  # destination regions allowed (ISO codes); empty: all not denied
    denied_countries: frozenset[str] = HIGH_RISK_COUNTRIES  # refused unless `countries` is set
    attempts_per_hour: int = 30  # calls a user may start an hour, placed or not (robocalling)


# Which status may follow which. Nothing follows a final status, and a call never moves backwards.
_NEXT: dict[CallStatus, frozenset[CallStatus]] = {
    CallStatus.CONNECTING: frozenset(CallStatus) - {CallStatus.CONNECTING},
    CallStatus.RINGING: frozenset(CallStatus) - {CallStatus.CONNECTING, CallStatus.RINGING},
    CallStatus.ACTIVE: frozenset({CallStatus.COMPLETED, CallStatus.FAILED}),
}


def can_move(current: CallStatus, target: CallStatus) -> bool:
    return target in _NEXT.get(current, frozenset())


def statuses_that_may_become(target: CallStatus) -> frozenset[CallStatus]:
    """The statuses from which `target` is a legal next step (used for atomic compare-and-set)."""
    return frozenset(s for s in CallStatus if can_move(s, target))


@dataclasses.dataclass(frozen=True)
class Call:
    call_id: uuid.UUID
    user_id: uuid.UUID
    phone_number: str
    status: CallStatus
    session_id: str
    sdp_offer: str
    start_time: datetime
    provider_call_id: str | None = None
    end_time: datetime | None = None
    duration: int | None = None
    sdp_answer: str | None = None
    answer_time: datetime | None = None
    end_reason: EndReason | None = None

    @classmethod
    def start(cls, user_id: uuid.UUID, phone_number: str, sdp_offer: str, now: datetime) -> Call:
        return cls(
            call_id=uuid.uuid4(),
            user_id=user_id,
            phone_number=phone_number,
            status=CallStatus.CONNECTING,
            session_id=new_session_id(),
            sdp_offer=sdp_offer,
            start_time=now,
        )

    def with_offer(self, sdp_offer: str) -> Call:
        return dataclasses.replace(self, sdp_offer=sdp_offer)

    def placed(self, provider_call_id: str) -> Call:
        return dataclasses.replace(self, provider_call_id=provider_call_id)


def billed_seconds(answer_time: datetime | None, end: datetime) -> int:
    """The billing rule: whole seconds from the answer to the end, 0 for a call never answered. The Postgres
    adapter runs the same rule inside the statements that end calls (adapters/postgres/call_sql.py,
    `BILLED_SECONDS`); tests/contract proves the two agree."""
    return duration_seconds(answer_time, end) if answer_time else 0


# A call's minutes count toward each UTC day by the share of them that day holds, from its answer (or start)
# for its billed seconds: 23:59 -> 03:59 spends 1 minute of one day and 239 of the next, not 240 of the first.
# The Postgres adapter's `DAY_SHARE` is the same rule in SQL; tests/contract proves the two agree.
DAY = timedelta(days=1)


def day_share(base: datetime, billed: int, day_start: datetime) -> int:
    """Whole seconds of `billed` seconds from `base` that fall within the UTC day from `day_start`."""
    overlap = min(base + timedelta(seconds=billed), day_start + DAY) - max(base, day_start)
    return max(0, int(overlap.total_seconds()))


def call_time_limit(left_today: int, now: datetime, day_start: datetime, daily_minutes: int) -> int:
    """How long a call starting `now` may run (the provider's time limit): today's seconds left, or, when they
    outlast today, the rest of today and then tomorrow's whole allowance."""
    to_midnight = max(1, int((day_start + DAY - now).total_seconds()))
    return left_today if left_today <= to_midnight else to_midnight + daily_minutes * 60


def duration_seconds(start: datetime, end: datetime) -> int:
    """Whole seconds between two instants, never negative (clocks of two machines may disagree)."""
    return max(0, int((end - start).total_seconds()))


def new_session_id() -> str:
    return "sess_" + secrets.token_hex(12)


def parse_call_id(raw: object) -> uuid.UUID:
    if raw is None or raw == "":
        raise ValidationError("call_id is required")
    if not isinstance(raw, str):
        raise ValidationError("call_id must be a string (a UUID)")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError("call_id must be a UUID, e.g. 3f2b6c1e-8a4d-4c3e-9b1a-2d5e7f9a0b1c") from None


def parse_hang_up_reason(raw: object) -> EndReason:
    """Why the caller's page ends its own call: it hung up, or (its only other word) the media connection was
    lost. Nothing else: a caller cannot say the callee hung up."""
    if raw is None:
        return EndReason.CALLER_HUNG_UP
    if raw != EndReason.CONNECTION_LOST.value:
        raise ValidationError("reason, when given, must be 'connection_lost'")
    return EndReason.CONNECTION_LOST


@dataclasses.dataclass(frozen=True)
class HistoryPosition:
    """Where a page of history ends: the next page holds calls strictly older than this one."""

    start_time: datetime
    call_id: uuid.UUID
