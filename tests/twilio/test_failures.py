"""What trying to break Twilio mode found: configuration, deleted users, failed hang-ups, late durations,
numbers in logs, destinations the account may not call."""

import json
import logging

import boto3
import pytest

from calls_platform import bootstrap, logs
from infra.seed import put_secret
from infra.stack import APP_SECRET_ID
from tests.conftest import assert_error, session_ids
from tests.twilio.conftest import sid_of
from tests.twilio.test_twilio_mode import NUMBER, initiate, phone_leg, stored

FULL_NUMBER_DIGITS = NUMBER.removeprefix("+")


def terminate(endpoint, user, call_id):
    return endpoint("terminate_call").call("POST", "/api/calls/terminate", {"call_id": call_id}, token=user["token"])


def sweep():
    from functions.sweep.app import handler

    return handler({}, None)


def pending(db, call_id):
    [[flag]] = db.run("SELECT provider_hangup_pending FROM calls WHERE call_id = :c", c=call_id)
    return flag


@pytest.mark.parametrize("missing", ["voip_api_key_sid", "voip_api_key_secret", "voip_from_number"])
def test_a_missing_setting_is_503_before_anything_is_dialled_or_recorded(
    twilio_mode, fake_twilio, endpoint, user, db, dynamodb, missing, caplog
):
    put_secret(boto3.session.Session().client("secretsmanager"), APP_SECRET_ID, {**twilio_mode, missing: ""})
    bootstrap.reset()
    sessions_before = session_ids(dynamodb)
    for _ in range(2):  # a retried Idempotency-Key dials nothing either
        response = initiate(endpoint, user, key="no-config")
        assert_error(response, 503, "voip_not_configured", "not set up")
        assert "secret" not in response.json["message"] and "voip_" not in response.json["message"]
    assert fake_twilio.requests == []
    assert db.run("SELECT count(*) FROM calls") == [[0]]
    assert session_ids(dynamodb) == sessions_before
    record = next(r for r in caplog.records if r.getMessage() == "voip provider not configured")
    assert missing in record.cause  # the operator learns which setting, by name only


def test_a_deleted_users_token_is_refused_before_twilio_is_called(twilio_mode, fake_twilio, endpoint, user, db):
    db.run("DELETE FROM users")
    assert_error(initiate(endpoint, user), 401, "unauthorized")
    assert fake_twilio.requests == []
    assert db.run("SELECT count(*) FROM calls WHERE status IN ('connecting', 'ringing', 'active')") == [[0]]


@pytest.mark.parametrize("code", [21215, 21216])
def test_a_destination_the_account_may_not_call_is_403_and_no_voip_error(
    twilio_mode, fake_twilio, endpoint, user, db, code, capsys
):
    fake_twilio.fail_next(400, code, f"Account not authorized to call {NUMBER}.")
    response = initiate(endpoint, user)
    assert_error(response, 403, "destination_not_allowed")
    assert FULL_NUMBER_DIGITS not in response.json["message"]
    assert db.run("SELECT count(*) FROM calls WHERE status IN ('connecting', 'ringing', 'active')") == [[0]]
    emitted = capsys.readouterr().out
    assert "CallAttempts" in emitted and "VoipErrors" not in emitted  # counted as an attempt, never alarmed on


def test_an_outage_still_counts_as_a_voip_error(twilio_mode, fake_twilio, endpoint, user, capsys):
    fake_twilio.fail_next(503, 20503, "Service Unavailable")
    assert initiate(endpoint, user).status_code == 503
    assert "VoipErrors" in capsys.readouterr().out


def test_numbers_in_twilios_error_text_are_masked_in_every_log_line(twilio_mode, fake_twilio, endpoint, user, caplog):
    fake_twilio.fail_next(500, 20500, f"Could not place the call to {NUMBER} right now")
    assert initiate(endpoint, user).status_code == 503
    lines = [logs.JsonFormatter().format(record) for record in caplog.records]
    assert any("20500" in line for line in lines)
    assert not [line for line in lines if FULL_NUMBER_DIGITS in line]
    assert any("*6789" in json.loads(line).get("cause", "") for line in lines)


def refuse_hang_ups(fake_twilio):
    original = fake_twilio.handle

    def handle(path, form, user_, password):
        if "Status" in form:
            return 500, {"code": 20500, "message": f"internal error hanging up {NUMBER}", "status": 500}
        return original(path, form, user_, password)

    fake_twilio.handle = handle
    return lambda: setattr(fake_twilio, "handle", original)


def test_a_failed_hang_up_is_retried_by_the_sweep_until_twilio_confirms(
    twilio_mode, fake_twilio, endpoint, user, db, caplog
):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    phone_leg(endpoint, twilio_mode, sid, "in-progress")
    fake_twilio.calls[sid]["status"] = "in-progress"
    restore = refuse_hang_ups(fake_twilio)
    response = terminate(endpoint, user, call["call_id"])
    assert response.status_code == 200 and response.json["status"] == "completed"  # ended here all the same
    assert pending(db, call["call_id"]) is True and fake_twilio.calls[sid]["status"] == "in-progress"
    assert not [r for r in caplog.records if FULL_NUMBER_DIGITS in logs.JsonFormatter().format(r)]

    sweep()  # Twilio still refuses: the mark stays
    assert pending(db, call["call_id"]) is True and fake_twilio.calls[sid]["status"] == "in-progress"

    restore()
    sweep()
    assert fake_twilio.calls[sid]["status"] == "completed"
    assert pending(db, call["call_id"]) is False
    updates_after = len(fake_twilio.updates())
    sweep()  # confirmed: nothing more to do
    assert len(fake_twilio.updates()) == updates_after


def test_a_call_twilio_already_ended_clears_the_mark(twilio_mode, fake_twilio, endpoint, user, db):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    restore = refuse_hang_ups(fake_twilio)
    terminate(endpoint, user, call["call_id"])
    assert pending(db, call["call_id"]) is True
    restore()
    fake_twilio.calls[sid]["status"] = "canceled"  # it ended at Twilio meanwhile
    sweep()
    assert pending(db, call["call_id"]) is False


def test_a_later_completed_callback_corrects_the_billed_duration_of_a_call_ended_here(
    twilio_mode, fake_twilio, endpoint, user, db
):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    phone_leg(endpoint, twilio_mode, sid, "in-progress")
    restore = refuse_hang_ups(fake_twilio)
    terminate(endpoint, user, call["call_id"])  # Twilio did not hang up: the call ran on for an hour
    restore()
    assert stored(db, call["call_id"])[2] <= 1
    assert phone_leg(endpoint, twilio_mode, sid, "completed", 3600).status_code == 200
    assert stored(db, call["call_id"])[:4] == ["completed", sid, 3600, "caller_hung_up"]
    history = endpoint("call_history").call("GET", "/api/calls/history", token=user["token"]).json
    assert history["calls"][0]["duration"] == 3600


def test_an_unanswered_call_is_never_billed_by_a_late_callback(twilio_mode, endpoint, user, db):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    terminate(endpoint, user, call["call_id"])
    phone_leg(endpoint, twilio_mode, sid, "completed", 12)
    assert stored(db, call["call_id"])[2] == 0


def test_failed_compensation_logs_mask_numbers(twilio_mode, fake_twilio, endpoint, user, monkeypatch, caplog):
    monkeypatch.setenv("SESSIONS_TABLE", "no-such-table")
    bootstrap.reset()
    refuse_hang_ups(fake_twilio)
    assert initiate(endpoint, user).status_code == 503
    critical = next(r for r in caplog.records if r.levelno == logging.CRITICAL)
    assert "*6789" in critical.cause and FULL_NUMBER_DIGITS not in critical.cause


def test_a_voice_token_without_the_api_key_is_503_not_a_500_naming_keys(twilio_mode, endpoint, user):
    put_secret(
        boto3.session.Session().client("secretsmanager"), APP_SECRET_ID, {**twilio_mode, "voip_api_key_secret": ""}
    )
    bootstrap.reset()
    response = endpoint("voice_token").call("GET", "/api/voice/token", token=user["token"])
    assert_error(response, 503, "voip_not_configured")
    assert "voip_" not in response.json["message"]
