"""Browser leg first: the call rings the caller's browser, whose TwiML then dials the phone. Both legs'
signed callbacks drive the one state machine (real client, fake Twilio, real Postgres, moto)."""

import uuid
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from calls_platform import bootstrap
from tests.conftest import session_ids
from tests.twilio.conftest import FROM_NUMBER, STATUS_URL, sid_of
from tests.twilio.test_twilio_mode import NUMBER, initiate, phone_leg, status_callback, stored


def browser_leg(endpoint, secret, sid, status, duration=None):
    params = {"CallSid": sid, "CallStatus": status, **({"CallDuration": str(duration)} if duration else {})}
    return status_callback(endpoint, secret, params)


def placed(endpoint, user, db):
    call = initiate(endpoint, user).json
    return call, sid_of(call["call_id"])


def test_initiate_rings_the_browser_with_the_call_id_and_dials_the_number_from_its_twiml(
    twilio_mode, fake_twilio, endpoint, user, db
):
    response = initiate(endpoint, user)
    assert response.status_code == 201, response.body
    call_id = response.json["call_id"]
    [[user_id]] = db.run("SELECT user_id FROM calls WHERE call_id = :c", c=call_id)
    [sent] = fake_twilio.requests
    assert sent.one("To") == f"client:user_{user_id.hex}?call_id={call_id}"
    assert sent.one("From") == FROM_NUMBER
    assert sent.one("StatusCallback") == f"{STATUS_URL}?call_id={call_id}"  # both legs' callbacks name the call
    [dial] = list(ElementTree.fromstring(sent.one("Twiml")))
    assert dial.attrib == {"callerId": FROM_NUMBER, "timeLimit": "7200", "timeout": "30"}
    [number] = list(dial)
    assert (number.tag, number.text) == ("Number", NUMBER)
    assert number.attrib["statusCallback"] == f"{STATUS_URL}?call_id={call_id}"
    assert number.attrib["statusCallbackEvent"] == "initiated ringing answered completed"
    # the browser learns its identity from the voice token: the same one the call rings
    assert response.json["voice_token"]


def test_max_call_seconds_sets_the_time_limit(twilio_mode, fake_twilio, endpoint, user, monkeypatch):
    monkeypatch.setenv("MAX_CALL_SECONDS", "900")
    bootstrap.reset()
    assert initiate(endpoint, user).status_code == 201
    [dial] = list(ElementTree.fromstring(fake_twilio.creates()[0].one("Twiml")))
    assert dial.attrib["timeLimit"] == "900"


def test_the_time_limit_is_what_is_left_of_todays_minutes(twilio_mode, fake_twilio, endpoint, user, db, monkeypatch):
    # Found by attacking `make run`: a call started with 1 minute left ran for MAX_CALL_SECONDS (2 hours).
    now = datetime.now(UTC)
    # The seeded call lies wholly within today (UTC), whatever the hour: each day counts its own share.
    today = (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds()
    spent = int(min(7140, max(0, today - 70)) // 60 * 60)  # whole minutes: 119 of 120 after 02:00 UTC
    monkeypatch.setenv("DAILY_CALL_MINUTES_PER_USER", str(spent // 60 + 1))
    bootstrap.reset()
    [[user_id]] = db.run("SELECT user_id FROM users")
    db.run(
        "INSERT INTO calls (call_id, user_id, phone_number, status, start_time, answer_time, end_time, duration,"
        " end_reason) VALUES (:id, :u, '+4930123456', 'completed', :s, :s, :e, :d, 'callee_hung_up')",
        id=uuid.uuid4(),
        u=user_id,
        s=now - timedelta(seconds=spent + 5),
        e=now - timedelta(seconds=5),
        d=spent,
    )  # all but one of today's minutes spent
    assert initiate(endpoint, user).status_code == 201
    [dial] = list(ElementTree.fromstring(fake_twilio.creates()[0].one("Twiml")))
    assert dial.attrib["timeLimit"] == "60"


def test_the_browser_leg_ringing_and_accepting_do_not_move_the_call(twilio_mode, endpoint, user, db):
    call, sid = placed(endpoint, user, db)
    for status in ("initiated", "ringing", "in-progress"):
        assert browser_leg(endpoint, twilio_mode, sid, status).status_code == 200
    assert stored(db, call["call_id"])[0] == "connecting"
    phone_leg(endpoint, twilio_mode, sid, "ringing")
    assert stored(db, call["call_id"])[0] == "ringing"
    phone_leg(endpoint, twilio_mode, sid, "in-progress")
    status, _, _, _, answer_time = stored(db, call["call_id"])
    assert status == "active" and answer_time is not None


@pytest.mark.parametrize("outcome", ["no-answer", "busy", "failed", "canceled"])
def test_a_browser_that_never_accepts_ends_the_call_with_its_own_reason(
    twilio_mode, fake_twilio, endpoint, user, db, dynamodb, outcome
):
    call, sid = placed(endpoint, user, db)
    browser_leg(endpoint, twilio_mode, sid, "ringing")
    assert browser_leg(endpoint, twilio_mode, sid, outcome).status_code == 200
    assert stored(db, call["call_id"])[:4] == ["no-answer", sid, 0, "browser_not_answered"]
    assert call["session_id"] not in session_ids(dynamodb)
    assert len(fake_twilio.requests) == 1  # the browser leg only: its TwiML, which dials, never ran


def test_the_browser_leg_ending_before_the_phone_answered_waits_for_the_phone_legs_reason(
    twilio_mode, endpoint, user, db
):
    call, sid = placed(endpoint, user, db)
    browser_leg(endpoint, twilio_mode, sid, "in-progress")
    phone_leg(endpoint, twilio_mode, sid, "ringing")
    browser_leg(endpoint, twilio_mode, sid, "completed", 25)  # its <Dial> ended: it arrived first
    assert stored(db, call["call_id"])[0] == "ringing"
    phone_leg(endpoint, twilio_mode, sid, "busy")
    assert stored(db, call["call_id"])[:4] == ["busy", sid, 0, "busy"]


def test_the_browser_hanging_up_ends_the_call_and_the_phone_leg_sets_the_billed_time(
    twilio_mode, endpoint, user, db, dynamodb
):
    call, sid = placed(endpoint, user, db)
    browser_leg(endpoint, twilio_mode, sid, "in-progress")
    phone_leg(endpoint, twilio_mode, sid, "in-progress")
    browser_leg(endpoint, twilio_mode, sid, "completed", 95)  # includes the ringing: never billed
    status, _, duration, reason, _ = stored(db, call["call_id"])
    assert (status, reason) == ("completed", "caller_hung_up") and duration != 95
    assert call["session_id"] not in session_ids(dynamodb)
    phone_leg(endpoint, twilio_mode, sid, "completed", 42)
    assert stored(db, call["call_id"])[:4] == ["completed", sid, 42, "caller_hung_up"]


def test_the_phone_hanging_up_ends_the_call_as_the_callees(twilio_mode, endpoint, user, db):
    call, sid = placed(endpoint, user, db)
    phone_leg(endpoint, twilio_mode, sid, "in-progress")
    phone_leg(endpoint, twilio_mode, sid, "completed", 61)
    browser_leg(endpoint, twilio_mode, sid, "completed", 80)
    assert stored(db, call["call_id"])[:4] == ["completed", sid, 61, "callee_hung_up"]
