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
    from calls_platform.domain.calls import EndReason
    from calls_platform.domain.provider_status import Leg, outcome

    s = CallStatus
    assert outcome("ringing", Leg.BROWSER) is None  # the browser ringing moves nothing
    assert outcome("in-progress", Leg.BROWSER) is None  # nor its accepting: the phone has not answered
    assert outcome("no-answer", Leg.BROWSER).reason is EndReason.BROWSER_NOT_ANSWERED
    hung_up = outcome("completed", Leg.BROWSER)
    assert (hung_up.reason, hung_up.only_from, hung_up.billed) == (
        EndReason.CALLER_HUNG_UP,
        frozenset({s.ACTIVE}),
        False,
    )
    assert outcome("ringing", Leg.PHONE).status is s.RINGING
    assert outcome("answered", Leg.PHONE).status is s.ACTIVE
    assert outcome("completed", Leg.PHONE).reason is EndReason.CALLEE_HUNG_UP and outcome("completed", Leg.PHONE).billed
    assert outcome("busy", Leg.PHONE).reason is EndReason.BUSY
    assert outcome("some-new-word", Leg.PHONE) is None


def test_every_provider_status_has_a_meaning_on_both_legs():
    from calls_platform.domain.provider_status import MEANING, MOCK_ONLY_WORDS, STATUS_WORDS, Leg

    assert {(word, leg) for word in STATUS_WORDS for leg in Leg} == set(MEANING)
    final = {word for (word, leg), meaning in MEANING.items() if leg is Leg.PHONE and meaning and meaning.reason}
    assert final == {status.value for status in CallStatus if status.is_final} | MOCK_ONLY_WORDS


def test_the_mock_media_peer_losing_the_media_ends_the_call_as_connection_lost():
    from calls_platform.domain.calls import EndReason
    from calls_platform.domain.provider_status import Leg, outcome

    lost = outcome("connection-lost", Leg.PHONE)
    assert (lost.status, lost.reason, lost.billed) == (CallStatus.COMPLETED, EndReason.CONNECTION_LOST, True)
