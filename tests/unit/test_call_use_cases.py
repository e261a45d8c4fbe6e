"""Placing, answering, ending, showing, listing and sweeping calls (`use_cases/calls.py`), on in-memory fakes."""

import dataclasses
import logging
import uuid
from datetime import timedelta

import pytest

from calls_platform.domain.calls import CallStatus
from calls_platform.domain.errors import (
    CallAlreadyAnswered,
    CallAlreadyEnded,
    CallAnswerFailed,
    CallInitiationFailed,
    CallNotFound,
    CallTerminationFailed,
    ServiceUnavailable,
    ValidationError,
)
from calls_platform.domain.users import Caller, User
from calls_platform.use_cases import answer, call_endings, calls, history, initiate
from tests.support.paths import FIXTURES
from tests.unit.fakes import world

ALICE, BOB = Caller(uuid.uuid4()), Caller(uuid.uuid4())
NUMBER = "+491512345678"


@pytest.fixture
def fakes():
    """In-memory fakes of every port (tests/unit/fakes.py); `fakes.call_deps()` is what the use cases run on."""
    made = world()
    for caller in (ALICE, BOB):  # signed-in users exist: the repositories check it, as Postgres does
        user_id = caller.user_id
        made.users.by_id[user_id] = User(user_id, f"{user_id.hex}@example.com", "fake$", made.clock.now())
    return made


@pytest.mark.parametrize(
    "clock,left_minutes,expected_s",
    [
        ("23:00:00", 10, 600),  # today's minutes run out before midnight: they bound the call
        ("23:55:00", 120, 300 + 120 * 60),  # they outlast today: the rest of today, then tomorrow's allowance
        ("12:00:00", 120, 120 * 60),
    ],
)
def test_the_time_limit_is_what_is_left_today_and_past_midnight_tomorrows(fakes, clock, left_minutes, expected_s):
    hour, minute, second = map(int, clock.split(":"))
    fakes.clock.current = fakes.clock.current.replace(hour=hour, minute=minute, second=second)
    if left_minutes < 120:  # a call earlier today spent the rest
        spent = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
        fakes.calls.rows[spent.call_id] = dataclasses.replace(
            fakes.calls.rows[spent.call_id],
            status=CallStatus.COMPLETED,
            answer_time=fakes.clock.now() - timedelta(hours=2),
            duration=(120 - left_minutes) * 60,
        )
        fakes.voip.max_seconds.clear()
    initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER)
    assert fakes.voip.max_seconds == [expected_s]


def test_initiate_places_the_call_records_it_and_adds_a_session(fakes, caplog):
    caplog.set_level(logging.INFO)
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    assert call.status is CallStatus.CONNECTING
    assert fakes.voip.placed == [call.call_id]
    assert fakes.voip.max_seconds == [120 * 60]  # a call may last no longer than today's minutes left
    # The provider's id goes into the live session, not into a second statement on the call.
    assert fakes.calls.rows[call.call_id].provider_call_id is None
    assert call.session_id.startswith("sess_")
    assert fakes.sessions.items[call.session_id].provider_call_id == call.provider_call_id
    assert call.start_time == fakes.clock.now()
    assert {"session added", "call initiated successfully"} <= {r.getMessage() for r in caplog.records}


def test_invalid_number_places_nothing(fakes):
    with pytest.raises(ValidationError):
        initiate.initiate_call(fakes.call_deps(), ALICE, "491512345678")
    assert not fakes.voip.placed and not fakes.calls.rows and not fakes.sessions.items


def test_provider_failure_keeps_a_failed_call_and_no_session(fakes, caplog):
    fakes.voip.fail_place = "connection refused"
    with pytest.raises(CallInitiationFailed):
        initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER)
    [failed] = fakes.calls.rows.values()
    assert failed.status is CallStatus.FAILED and failed.duration == 0 and failed.end_time == failed.start_time
    assert not fakes.sessions.items
    record = next(r for r in caplog.records if r.getMessage() == "failed to initiate voip call")
    assert record.cause == "connection refused" and record.phone_number == "*********5678"


def test_no_offer_from_the_provider_records_and_dials_nothing(fakes, caplog):
    fakes.voip.fail_offer = "media peer unreachable"
    with pytest.raises(CallInitiationFailed):
        initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER)
    assert not fakes.voip.placed and not fakes.calls.rows and not fakes.sessions.items
    record = next(r for r in caplog.records if r.getMessage() == "failed to initiate voip call")
    assert record.cause == "media peer unreachable"


def test_session_store_failure_hangs_up_and_fails_the_call(fakes):
    fakes.sessions.fail_adds = True
    with pytest.raises(ServiceUnavailable):
        initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER)
    [call] = fakes.calls.rows.values()
    assert call.status is CallStatus.FAILED
    [hung_up] = fakes.voip.hung_up  # with the provider's id known only in memory: it never reached a store
    assert hung_up.startswith("fake-") and call.provider_call_id is None


def test_failed_compensation_is_logged_loudly_with_the_provider_id(fakes, caplog):
    fakes.sessions.fail_adds = True
    fakes.voip.fail_hang_up = True
    with pytest.raises(ServiceUnavailable):
        initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER)
    record = next(r for r in caplog.records if r.levelno == logging.CRITICAL)
    assert record.provider_call_id.startswith("fake-")


def test_terminate_completes_the_call_billing_from_the_answer(fakes, caplog):
    caplog.set_level(logging.INFO)
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.clock.advance(10)
    fakes.calls.transition(call.call_id, CallStatus.ACTIVE, fakes.clock.now())
    fakes.clock.advance(42.7)
    ended = calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    assert (ended.status, ended.duration, ended.end_time) == (CallStatus.COMPLETED, 42, fakes.clock.now())
    assert ended.end_reason == "caller_hung_up"
    assert call.session_id not in fakes.sessions.items
    assert fakes.voip.hung_up == [call.provider_call_id]
    assert {"session removed", "call terminated successfully"} <= {r.getMessage() for r in caplog.records}


def test_an_unanswered_call_lasts_zero_seconds(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.clock.advance(30)
    assert calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id)).duration == 0


def test_terminating_someone_elses_call_is_forbidden_and_logged(fakes, caplog):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    with pytest.raises(CallTerminationFailed):
        calls.terminate_call(fakes.call_deps(), BOB, str(call.call_id))
    assert fakes.calls.rows[call.call_id].status is CallStatus.CONNECTING
    assert call.session_id in fakes.sessions.items
    assert any(r.getMessage() == "unauthorized call termination attempt" for r in caplog.records)


def test_unknown_and_malformed_call_ids(fakes):
    with pytest.raises(CallNotFound):
        calls.terminate_call(fakes.call_deps(), ALICE, str(uuid.uuid4()))
    with pytest.raises(ValidationError):
        calls.terminate_call(fakes.call_deps(), ALICE, "not-a-uuid")


def test_an_ended_call_cannot_be_ended_again(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    with pytest.raises(CallAlreadyEnded) as caught:
        calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    assert "completed" in caught.value.message


def test_a_failed_hang_up_or_session_removal_does_not_undo_the_end(fakes, caplog):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.voip.fail_hang_up = True
    ended = calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    assert ended.status is CallStatus.COMPLETED and "failed to hang up voip call" in caplog.text
    # the provider's id came back with the session's delete, and is kept on the call for the sweep's retry
    assert fakes.calls.rows[call.call_id].provider_call_id == call.provider_call_id
    assert call.call_id in fakes.calls.pending
    other = initiate.initiate_call(fakes.call_deps(), BOB, NUMBER).call
    fakes.sessions.fail_removes = True
    ended = calls.terminate_call(fakes.call_deps(), BOB, str(other.call_id))
    assert ended.status is CallStatus.COMPLETED and "failed to remove session" in caplog.text


def test_terminate_hangs_up_with_the_sessions_id_when_no_callback_stored_one(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    assert fakes.calls.rows[call.call_id].provider_call_id is None
    calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    assert fakes.voip.hung_up == [call.provider_call_id] and not fakes.sessions.items


def test_a_session_that_could_not_be_removed_gives_the_sweep_the_id_to_hang_up_with(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.sessions.fail_removes = True
    calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    assert fakes.voip.hung_up == [] and call.call_id in fakes.calls.pending
    fakes.sessions.fail_removes = False
    call_endings.sweep_stale_calls(fakes.call_deps())
    assert fakes.voip.hung_up == [call.provider_call_id] and not fakes.calls.pending
    assert fakes.calls.rows[call.call_id].provider_call_id == call.provider_call_id and not fakes.sessions.items


def test_history_is_the_callers_own_newest_first(fakes):
    first = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.clock.advance(5)
    second = initiate.initiate_call(fakes.call_deps(), ALICE, "+4915123456789").call
    initiate.initiate_call(fakes.call_deps(), BOB, NUMBER)
    assert [c.call_id for c in history.call_history(fakes.call_deps(), ALICE).calls] == [second.call_id, first.call_id]


def test_history_pages_with_cursors_until_the_end(fakes):
    made = []
    for _ in range(5):
        made.append(initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call.call_id)
        fakes.clock.advance(1)
    seen, cursor = [], None
    while True:
        page = history.call_history(fakes.call_deps(), ALICE, "2", cursor)
        seen += [c.call_id for c in page.calls]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == made[::-1]


def test_calls_with_the_same_start_time_are_neither_lost_nor_repeated(fakes):
    made = {initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call.call_id for _ in range(7)}  # one clock tick
    first = history.call_history(fakes.call_deps(), ALICE, "3")
    second = history.call_history(fakes.call_deps(), ALICE, "3", first.next_cursor)
    third = history.call_history(fakes.call_deps(), ALICE, "3", second.next_cursor)
    ids = [c.call_id for page in (first, second, third) for c in page.calls]
    assert len(ids) == 7 and set(ids) == made and third.next_cursor is None


def test_history_filters_by_status(fakes):
    ended = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    calls.terminate_call(fakes.call_deps(), ALICE, str(ended.call_id))
    initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER)
    completed = history.call_history(fakes.call_deps(), ALICE, status="completed").calls
    assert [c.call_id for c in completed] == [ended.call_id]


@pytest.mark.parametrize(
    "limit, cursor, status, message",
    [
        ("0", None, None, "limit"),
        ("101", None, None, "limit"),
        ("ten", None, None, "limit"),
        ("-1", None, None, "limit"),
        ("\u0661", None, None, "limit"),
        (None, "garbage", None, "cursor"),
        (None, "W10", None, "cursor"),
        (None, None, "ringing-ish", "status"),
    ],
)
def test_bad_history_parameters(fakes, limit, cursor, status, message):
    with pytest.raises(ValidationError, match=message):
        history.call_history(fakes.call_deps(), ALICE, limit, cursor, status)


# Chromium's answer to one of our offers: every offer of ours has the same mid and codecs.
ANSWER = (FIXTURES / "chromium_answer.sdp").open(newline="").read()


def test_an_answer_connects_a_mock_call_and_bills_from_it(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.clock.advance(3)
    answered = answer.answer_call(fakes.call_deps(), ALICE, str(call.call_id), ANSWER)
    assert answered.status is CallStatus.ACTIVE and answered.answer_time == fakes.clock.now()
    assert answered.sdp_answer == ANSWER
    assert fakes.voip.answers == [(call.call_id, ANSWER)]  # handed to the provider's media peer
    fakes.clock.advance(20)
    assert calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id)).duration == 20


def test_answer_errors(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    with pytest.raises(CallAnswerFailed):
        answer.answer_call(fakes.call_deps(), BOB, str(call.call_id), ANSWER)
    with pytest.raises(CallNotFound):
        answer.answer_call(fakes.call_deps(), ALICE, str(uuid.uuid4()), ANSWER)
    with pytest.raises(ValidationError, match="active or passive"):
        answer.answer_call(fakes.call_deps(), ALICE, str(call.call_id), call.sdp_offer)
    answer.answer_call(fakes.call_deps(), ALICE, str(call.call_id), ANSWER)
    with pytest.raises(CallAlreadyAnswered):
        answer.answer_call(fakes.call_deps(), ALICE, str(call.call_id), ANSWER)
    calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    with pytest.raises(CallAlreadyEnded):
        answer.answer_call(fakes.call_deps(), ALICE, str(call.call_id), ANSWER)


def test_get_call_shows_only_the_callers_own(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    assert calls.get_call(fakes.call_deps(), ALICE, str(call.call_id)) == dataclasses.replace(
        call, provider_call_id=None
    )
    with pytest.raises(CallNotFound):
        calls.get_call(fakes.call_deps(), BOB, str(call.call_id))


def test_metrics_count_attempts_voip_errors_and_billed_seconds(fakes):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.calls.transition(call.call_id, CallStatus.ACTIVE, fakes.clock.now())
    fakes.clock.advance(7)
    calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    fakes.voip.fail_place = "down"
    with pytest.raises(CallInitiationFailed):
        initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER)
    assert fakes.metrics.recorded == [
        ("CallAttempts", 1),
        ("CallsInitiated", 1),
        ("CallDuration", 7),
        ("CallAttempts", 1),
        ("VoipErrors", 1),
    ]


def test_the_sweep_fails_calls_nobody_reported_on_and_only_those(fakes):
    stale = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.clock.advance(200)
    fresh = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    closed = call_endings.sweep_stale_calls(fakes.call_deps())
    assert [c.call_id for c in closed] == [stale.call_id]
    assert fakes.calls.rows[stale.call_id].status is CallStatus.FAILED
    assert fakes.calls.rows[stale.call_id].end_reason == "timeout"
    assert fakes.calls.rows[fresh.call_id].status is CallStatus.CONNECTING
    assert stale.session_id not in fakes.sessions.items and stale.provider_call_id in fakes.voip.hung_up
    assert ("ActiveCalls", 1) in fakes.metrics.recorded
    assert call_endings.sweep_stale_calls(fakes.call_deps()) == []
