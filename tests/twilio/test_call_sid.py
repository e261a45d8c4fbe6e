"""Where the Twilio Call SID lives: initiate writes the call once (before dialling) and keeps the SID in the
live session; callbacks name the call in their URL and store the SID on it; hang-ups find it in either place.
(Real client, fake Twilio, real Postgres, moto.)"""

import uuid

from calls_platform.domain.calls import CallStatus
from tests.conftest import assert_error, session_ids
from tests.twilio.conftest import STATUS_URL, sid_of, signed
from tests.twilio.test_failures import pending, refuse_hang_ups, sweep, terminate
from tests.twilio.test_twilio_mode import initiate, phone_leg, status_callback, stored


def hang_ups(fake_twilio):
    return [(u.path.rsplit("/", 1)[1].removesuffix(".json"), u.one("Status")) for u in fake_twilio.updates()]


def test_the_first_callback_stores_the_sid_on_the_call(twilio_mode, endpoint, user, db):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    assert stored(db, call["call_id"])[1] is None  # initiate ran one statement, before the SID existed
    assert phone_leg(endpoint, twilio_mode, sid, "ringing").status_code == 200
    assert stored(db, call["call_id"])[:2] == ["ringing", sid]


def test_terminate_hangs_up_a_call_whose_callbacks_never_arrived_with_the_sessions_sid(
    twilio_mode, fake_twilio, endpoint, user, db, dynamodb
):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    assert stored(db, call["call_id"])[1] is None
    assert terminate(endpoint, user, call["call_id"]).status_code == 200
    assert hang_ups(fake_twilio) == [(sid, "canceled")]
    assert fake_twilio.calls[sid]["status"] == "canceled"
    [[session_id]] = db.run("SELECT session_id FROM calls WHERE call_id = :c", c=call["call_id"])
    assert session_id not in session_ids(dynamodb)  # the delete that handed the SID back


def test_a_failed_hang_up_keeps_the_sessions_sid_on_the_call_for_the_sweep(
    twilio_mode, fake_twilio, endpoint, user, db
):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    restore = refuse_hang_ups(fake_twilio)
    terminate(endpoint, user, call["call_id"])
    assert pending(db, call["call_id"]) is True and stored(db, call["call_id"])[1] == sid  # the session is gone
    restore()
    sweep()
    assert fake_twilio.calls[sid]["status"] == "canceled" and pending(db, call["call_id"]) is False


def test_the_sweep_hangs_up_a_stale_call_nobody_reported_on_with_the_sessions_sid(
    twilio_mode, fake_twilio, endpoint, user, db
):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    db.run("UPDATE calls SET start_time = now() - interval '4 minutes' WHERE call_id = :c", c=call["call_id"])
    sweep()
    assert stored(db, call["call_id"])[0] == "failed"
    assert hang_ups(fake_twilio) == [(sid, "canceled")]


def test_a_call_placed_before_callbacks_named_it_is_found_by_its_sid(twilio_mode, endpoint, user, db):
    call = initiate(endpoint, user).json
    db.run("UPDATE calls SET provider_call_id = 'CAlegacy' WHERE call_id = :c", c=call["call_id"])
    params = {"CallSid": "CA" + "5" * 32, "ParentCallSid": "CAlegacy", "CallStatus": "in-progress"}
    assert status_callback(endpoint, twilio_mode, params, url=STATUS_URL).status_code == 200
    assert stored(db, call["call_id"])[:2] == [CallStatus.ACTIVE.value, "CAlegacy"]


def test_the_signature_covers_the_call_id(twilio_mode, endpoint, user, db):
    mine, other = initiate(endpoint, user).json, initiate(endpoint, user).json
    params = {"CallSid": sid_of(mine["call_id"]), "CallStatus": "completed"}
    signed_for_mine = signed(params, twilio_mode["voip_auth_token"], f"{STATUS_URL}?call_id={mine['call_id']}")
    moved = status_callback(
        endpoint, twilio_mode, params, signed_for_mine, url=f"{STATUS_URL}?call_id={other['call_id']}"
    )
    assert_error(moved, 403, "forbidden")
    assert stored(db, other["call_id"])[0] == "connecting"


def test_a_signed_callback_naming_no_uuid_is_400(twilio_mode, endpoint):
    params = {"CallSid": "CA" + "6" * 32, "CallStatus": "ringing"}
    response = status_callback(endpoint, twilio_mode, params, url=f"{STATUS_URL}?call_id=nope")
    assert_error(response, 400, "validation_error", "call_id")


def test_a_signed_callback_for_an_unknown_call_id_is_200(twilio_mode, endpoint, caplog):
    params = {"CallSid": "CA" + "6" * 32, "ParentCallSid": "CA" + "7" * 32, "CallStatus": "ringing"}
    url = f"{STATUS_URL}?call_id={uuid.uuid4()}"
    assert status_callback(endpoint, twilio_mode, params, url=url).status_code == 200
    assert "status callback for an unknown call" in caplog.text
