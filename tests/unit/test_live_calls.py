"""Never a stranded call (`use_cases/live.py`), on in-memory fakes: each poll of a live call is its page's
heartbeat, the sweep ends a call whose page fell silent (`page_gone`, billed to the last heartbeat), and a
reloaded page finds the account's live calls."""

import dataclasses
import logging
import uuid
from datetime import timedelta

import pytest

from calls_platform.domain.calls import CallStatus, EndReason
from calls_platform.domain.errors import UnknownUser
from calls_platform.domain.users import Caller
from calls_platform.use_cases import call_endings, calls, initiate, live
from tests.unit.fakes import world_with_users

ALICE, BOB = Caller(uuid.uuid4()), Caller(uuid.uuid4())
NUMBER = "+491512345678"


@pytest.fixture
def fakes():
    return world_with_users(ALICE, BOB)


def answered_call(fakes, seconds_to_answer: float = 2):
    call = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.clock.advance(seconds_to_answer)
    fakes.calls.transition(call.call_id, CallStatus.ACTIVE, fakes.clock.now())
    return call


def test_a_poll_of_a_live_call_is_its_heartbeat_and_a_poll_of_an_ended_one_is_not(fakes):
    call = answered_call(fakes)
    fakes.clock.advance(5)
    calls.get_call(fakes.call_deps(), ALICE, str(call.call_id))
    assert fakes.sessions.items[call.session_id].last_seen == fakes.clock.now()
    calls.terminate_call(fakes.call_deps(), ALICE, str(call.call_id))
    calls.get_call(fakes.call_deps(), ALICE, str(call.call_id))  # no session brought back for an ended call
    assert call.session_id not in fakes.sessions.items


def test_a_call_whose_page_stops_polling_is_ended_billed_to_the_last_heartbeat(fakes, caplog):
    call = answered_call(fakes, seconds_to_answer=2)
    for _ in range(40):  # 40 s of talk, polled once a second
        fakes.clock.advance(1)
        calls.get_call(fakes.call_deps(), ALICE, str(call.call_id))
    last_poll = fakes.clock.now()
    fakes.clock.advance(29)  # within the grace: a missed poll or a network blip ends nothing
    assert call_endings.sweep_stale_calls(fakes.call_deps()) == []
    fakes.clock.advance(2)
    [ended] = call_endings.sweep_stale_calls(fakes.call_deps())
    assert (ended.call_id, ended.status, ended.end_reason) == (call.call_id, CallStatus.COMPLETED, EndReason.PAGE_GONE)
    assert ended.end_time == last_poll and ended.duration == 40  # not the 71 s until the sweep noticed
    assert call.session_id not in fakes.sessions.items and fakes.voip.hung_up == [call.provider_call_id]
    assert "call ended: its page stopped polling" in caplog.text
    assert call_endings.sweep_stale_calls(fakes.call_deps()) == []  # once


def test_a_call_never_polled_is_left_to_the_older_timeouts(fakes):
    """A call driven by curl (the guide's walkthrough) has no page: no heartbeat, nothing to miss."""
    call = answered_call(fakes)
    fakes.clock.advance(600)
    assert call_endings.sweep_stale_calls(fakes.call_deps()) == []
    assert fakes.calls.rows[call.call_id].status is CallStatus.ACTIVE


def test_a_call_ended_meanwhile_is_not_ended_again(fakes):
    call = answered_call(fakes)
    calls.get_call(fakes.call_deps(), ALICE, str(call.call_id))
    fakes.clock.advance(60)
    fakes.calls.transition(call.call_id, CallStatus.COMPLETED, fakes.clock.now(), reason=EndReason.CALLEE_HUNG_UP)
    assert live.end_silent_calls(fakes.call_deps(), fakes.clock.now()) == []
    assert fakes.calls.rows[call.call_id].end_reason is EndReason.CALLEE_HUNG_UP


def test_the_grace_is_the_deployments(fakes):
    call = answered_call(fakes)
    calls.get_call(fakes.call_deps(), ALICE, str(call.call_id))
    fakes.clock.advance(11)
    deps = fakes.call_deps()
    assert live.end_silent_calls(deps, fakes.clock.now()) == []
    short = dataclasses.replace(deps, heartbeat_grace=timedelta(seconds=10))
    assert [m.call.call_id for m in live.end_silent_calls(short, fakes.clock.now())] == [call.call_id]


def test_a_heartbeat_the_store_refuses_still_answers_the_poll(fakes, caplog):
    call = answered_call(fakes)
    fakes.sessions.fail_touches = True
    with caplog.at_level(logging.WARNING):
        assert calls.get_call(fakes.call_deps(), ALICE, str(call.call_id)).call_id == call.call_id
    assert "heartbeat not recorded" in caplog.text


def test_a_reloaded_page_finds_its_live_calls_and_only_its_own(fakes):
    ended = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    calls.terminate_call(fakes.call_deps(), ALICE, str(ended.call_id))
    fakes.clock.advance(1)
    first = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    fakes.clock.advance(1)
    second = initiate.initiate_call(fakes.call_deps(), ALICE, NUMBER).call
    initiate.initiate_call(fakes.call_deps(), BOB, NUMBER)
    assert [c.call_id for c in live.live_calls(fakes.call_deps(), ALICE)] == [second.call_id, first.call_id]
    with pytest.raises(UnknownUser):  # a token whose user is gone
        live.live_calls(fakes.call_deps(), Caller(uuid.uuid4()))
