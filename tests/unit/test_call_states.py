"""The one call state machine and what each provider leg's status means (`domain/calls.py`)."""

from datetime import UTC

import pytest

from calls_platform.domain.calls import (
    FINAL_STATUSES,
    CallStatus,
    can_move,
    duration_seconds,
    parse_call_id,
    statuses_that_may_become,
)
from calls_platform.domain.errors import ValidationError

ORDER = [CallStatus.CONNECTING, CallStatus.RINGING, CallStatus.ACTIVE]


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_nothing_follows_a_final_status(final):
    assert not any(can_move(final, target) for target in CallStatus)


def test_a_call_never_moves_backwards():
    for i, later in enumerate(ORDER):
        for earlier in ORDER[: i + 1]:
            assert not can_move(later, earlier)


def test_live_calls_can_complete_or_fail():
    assert statuses_that_may_become(CallStatus.COMPLETED) == set(ORDER)
    assert statuses_that_may_become(CallStatus.FAILED) == set(ORDER)


def test_an_answered_call_cannot_become_busy_or_unanswered():
    assert not can_move(CallStatus.ACTIVE, CallStatus.BUSY)
    assert not can_move(CallStatus.ACTIVE, CallStatus.NO_ANSWER)
    assert can_move(CallStatus.RINGING, CallStatus.NO_ANSWER)


def test_duration_is_whole_seconds_and_never_negative(clock=None):
    from datetime import datetime, timedelta

    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert duration_seconds(start, start + timedelta(seconds=42.9)) == 42
    assert duration_seconds(start, start - timedelta(seconds=3)) == 0


@pytest.mark.parametrize("raw, message", [(None, "required"), ("", "required"), (12, "string"), ("abc", "UUID")])
def test_call_ids_must_be_uuids(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_call_id(raw)


def test_what_each_legs_reports_mean():
    from calls_platform.domain.calls import EndReason, provider_outcome

    s = CallStatus
    assert provider_outcome(s.RINGING, browser_leg=True) is None  # the browser ringing moves nothing
    assert provider_outcome(s.ACTIVE, browser_leg=True) is None  # nor its accepting: the phone has not answered
    assert provider_outcome(s.NO_ANSWER, browser_leg=True).reason is EndReason.BROWSER_NOT_ANSWERED
    hung_up = provider_outcome(s.COMPLETED, browser_leg=True)
    assert (hung_up.reason, hung_up.only_from) == (EndReason.CALLER_HUNG_UP, frozenset({s.ACTIVE}))
    assert provider_outcome(s.RINGING, browser_leg=False).status is s.RINGING
    assert provider_outcome(s.COMPLETED, browser_leg=False).reason is EndReason.CALLEE_HUNG_UP
    assert provider_outcome(s.BUSY, browser_leg=False).reason is EndReason.BUSY
