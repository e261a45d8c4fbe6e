"""The API in Twilio mode, through each function's own app, against real Postgres and moto."""

import logging
import threading
import uuid

import jwt
import pytest

from calls_platform.domain.calls import CallStatus
from calls_platform.domain.users import Caller
from infra.stack import SESSIONS_TABLE
from tests.conftest import assert_error, session_ids
from tests.twilio.conftest import PUBLIC_BASE_URL, callback_url, sid_of, signed

NUMBER = "+4915123456789"


def initiate(endpoint, user, number=NUMBER, key=None, body=None):
    headers = {"Idempotency-Key": key} if key else {}
    return endpoint("initiate_call").call(
        "POST", "/api/calls/initiate", body or {"phone_number": number}, token=user["token"], headers=headers
    )


def status_callback(endpoint, secret, params, signature=None, url=None):
    """A callback as Twilio sends it: to the URL the call was given (its `?call_id=`), signed over it."""
    from urllib.parse import urlencode

    url = url or callback_url(params.get("ParentCallSid") or params.get("CallSid", ""))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers.update(signature if signature is not None else signed(params, secret["voip_auth_token"], url))
    path = url.removeprefix(PUBLIC_BASE_URL)
    return endpoint("twilio_status").call("POST", path, raw=urlencode(params), headers=headers)


PHONE_LEG_SID = "CA" + "7" * 32


def phone_leg(endpoint, secret, parent_sid, status, duration=None):
    """A status callback of the phone's leg: the child call the browser leg's <Dial><Number> placed."""
    params = {"CallSid": PHONE_LEG_SID, "ParentCallSid": parent_sid, "CallStatus": status}
    if duration is not None:
        params["CallDuration"] = str(duration)
    return status_callback(endpoint, secret, params)


def stored(db, call_id):
    [row] = db.run(
        "SELECT status, provider_call_id, duration, end_reason, answer_time FROM calls WHERE call_id = :c", c=call_id
    )
    return row


def test_initiate_places_a_twilio_call_and_returns_a_voice_token(
    twilio_mode, fake_twilio, endpoint, user, db, dynamodb
):
    response = initiate(endpoint, user)
    assert response.status_code == 201, response.body
    [sid] = fake_twilio.calls
    # One statement records the call; the SID goes into the session item written after dialling.
    assert stored(db, response.json["call_id"])[1] is None
    items = dynamodb.scan(TableName=SESSIONS_TABLE)["Items"]
    [item] = [i for i in items if i["call_id"] == {"S": response.json["call_id"]}]
    assert item["provider_call_id"] == {"S": sid}
    claims = jwt.decode(response.json["voice_token"], twilio_mode["voip_api_key_secret"], algorithms=["HS256"])
    assert claims["grants"]["voice"]["incoming"] == {"allow": True}
    assert claims["grants"]["identity"].startswith("user_") and claims["exp"] - claims["nbf"] <= 3600


def test_voice_token_endpoint_renews_it(twilio_mode, endpoint, user):
    response = endpoint("voice_token").call("GET", "/api/voice/token", token=user["token"])
    assert response.status_code == 200 and response.json["expires_in"] == 3600
    assert jwt.decode(response.json["voice_token"], options={"verify_signature": False})["grants"]["identity"]


def test_no_voice_token_for_a_user_that_no_longer_exists(twilio_mode, endpoint, user, db):
    db.run("DELETE FROM users")
    assert_error(endpoint("voice_token").call("GET", "/api/voice/token", token=user["token"]), 401, "unauthorized")


def test_no_voice_token_after_logout_and_the_check_is_its_one_statement(twilio_mode, endpoint, user, db):
    from calls_platform import bootstrap
    from tests.support.recording import recording

    pair = endpoint("login").call("POST", "/api/auth/login", {"email": user["email"], "password": user["password"]})
    access = pair.json["access_token"]
    with recording(bootstrap.container()) as recorder:
        assert endpoint("voice_token").call("GET", "/api/voice/token", token=access).status_code == 200
    assert recorder.count()["postgres"] == 1  # the caller's check, nothing else
    out = endpoint("logout").call("POST", "/api/auth/logout", {"refresh_token": pair.json["refresh_token"]})
    assert out.status_code == 200
    assert_error(endpoint("voice_token").call("GET", "/api/voice/token", token=access), 401, "unauthorized")


def test_invalid_number_at_twilio_is_400(twilio_mode, fake_twilio, endpoint, user, db):
    fake_twilio.fail_next(400, 21211, "The 'To' number +4915123456789 is not a valid phone number.")
    assert_error(initiate(endpoint, user), 400, "validation_error", "invalid")
    assert db.run("SELECT count(*) FROM calls") == [[0]]


def test_twilio_outage_is_503_logged_with_its_cause(twilio_mode, fake_twilio, endpoint, user, db, dynamodb, caplog):
    fake_twilio.fail_next(503, 20503, "Service Unavailable")
    before = session_ids(dynamodb)
    assert_error(initiate(endpoint, user), 503, "call_initiation_failed", "VoIP service unavailable")
    assert db.run("SELECT status FROM calls") == [["failed"]]
    assert session_ids(dynamodb) == before
    record = next(r for r in caplog.records if r.getMessage() == "failed to initiate voip call")
    assert "20503" in record.cause


def test_a_retry_with_the_same_idempotency_key_places_no_second_call(twilio_mode, fake_twilio, endpoint, user, db):
    first = initiate(endpoint, user, key="retry-1")
    again = initiate(endpoint, user, key="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert len(fake_twilio.creates()) == 1 and db.run("SELECT count(*) FROM calls") == [[1]]


def test_the_same_key_with_another_body_is_422(twilio_mode, fake_twilio, endpoint, user):
    initiate(endpoint, user, key="retry-2")
    other = initiate(endpoint, user, number="+14155550123", key="retry-2")
    assert_error(other, 422, "idempotency_key_reused")
    assert len(fake_twilio.creates()) == 1


def test_keys_are_per_user(twilio_mode, fake_twilio, endpoint, user, db):
    endpoint("register").call("POST", "/api/auth/register", {"email": "second@example.com", "password": "password123"})
    db.run("UPDATE users SET email_verified_at = now()")  # Twilio mode calls from verified accounts only
    token = endpoint("login").call(
        "POST", "/api/auth/login", {"email": "second@example.com", "password": "password123"}
    )
    second = {"token": token.json["access_token"]}
    assert (
        initiate(endpoint, user, key="shared").json["call_id"]
        != initiate(endpoint, second, key="shared").json["call_id"]
    )
    assert len(fake_twilio.creates()) == 2


def test_a_failed_attempt_does_not_pin_the_key(twilio_mode, fake_twilio, endpoint, user):
    fake_twilio.fail_next(503, 20503)
    assert initiate(endpoint, user, key="retry-3").status_code == 503
    assert initiate(endpoint, user, key="retry-3").status_code == 201


def test_bad_idempotency_keys_are_400(twilio_mode, endpoint, user):
    assert_error(initiate(endpoint, user, key="x" * 300), 400, "validation_error", "Idempotency-Key")


def test_session_store_failure_after_dialling_hangs_up_before_503(
    twilio_mode, fake_twilio, endpoint, user, db, monkeypatch
):
    from calls_platform import bootstrap

    monkeypatch.setenv("SESSIONS_TABLE", "no-such-table")
    bootstrap.reset()
    assert_error(initiate(endpoint, user), 503, "service_unavailable")
    [sid] = fake_twilio.calls
    assert [u.one("Status") for u in fake_twilio.updates()] == ["canceled"]
    assert fake_twilio.calls[sid]["status"] == "canceled"
    assert db.run("SELECT status FROM calls") == [["failed"]]


def test_a_failed_compensation_is_logged_loudly_with_the_call_sid(
    twilio_mode, fake_twilio, endpoint, user, monkeypatch, caplog
):
    from calls_platform import bootstrap

    monkeypatch.setenv("SESSIONS_TABLE", "no-such-table")
    bootstrap.reset()
    fake_twilio.scripted.clear()
    original = fake_twilio.handle

    def refuse_updates(path, form, user_, password):
        return (
            (500, {"code": 20500, "message": "down", "status": 500})
            if "Status" in form
            else original(path, form, user_, password)
        )

    fake_twilio.handle = refuse_updates
    assert initiate(endpoint, user).status_code == 503
    [sid] = fake_twilio.calls
    record = next(r for r in caplog.records if r.levelno == logging.CRITICAL)
    assert record.provider_call_id == sid


def test_terminate_cancels_a_ringing_call_and_completes_an_answered_one(twilio_mode, fake_twilio, endpoint, user, db):
    ringing = initiate(endpoint, user).json
    answered = initiate(endpoint, user).json
    sid_ringing, sid_answered = (sid_of(c["call_id"]) for c in (ringing, answered))
    phone_leg(endpoint, twilio_mode, sid_answered, "in-progress")
    fake_twilio.calls[sid_answered]["status"] = "in-progress"
    for call in (ringing, answered):
        assert (
            endpoint("terminate_call")
            .call("POST", "/api/calls/terminate", {"call_id": call["call_id"]}, token=user["token"])
            .status_code
            == 200
        )
    sent = {u.path.rsplit("/", 1)[1].removesuffix(".json"): u.one("Status") for u in fake_twilio.updates()}
    assert sent == {sid_ringing: "canceled", sid_answered: "completed"}


def test_status_callbacks_move_the_call_and_end_it_with_twilios_duration(twilio_mode, endpoint, user, db, dynamodb):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    for status in ("initiated", "ringing", "in-progress"):
        assert phone_leg(endpoint, twilio_mode, sid, status).status_code == 200
    assert stored(db, call["call_id"])[0] == "active"
    assert phone_leg(endpoint, twilio_mode, sid, "completed", 17).status_code == 200
    assert stored(db, call["call_id"])[:4] == ["completed", sid, 17, "callee_hung_up"]
    assert call["session_id"] not in session_ids(dynamodb)


@pytest.mark.parametrize("final, reason", [("busy", "busy"), ("no-answer", "no_answer"), ("failed", "failed")])
def test_unanswered_outcomes(twilio_mode, endpoint, user, db, final, reason):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    phone_leg(endpoint, twilio_mode, sid, "ringing")
    phone_leg(endpoint, twilio_mode, sid, final)
    assert stored(db, call["call_id"])[:4] == [final, sid, 0, reason]


def test_forged_and_unsigned_callbacks_are_403_and_change_nothing(twilio_mode, endpoint, user, db):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    params = {"CallSid": sid, "CallStatus": "completed"}
    forged = signed(params, "someone-elses-token")
    assert_error(status_callback(endpoint, twilio_mode, params, forged), 403, "forbidden")
    assert_error(status_callback(endpoint, twilio_mode, params, {}), 403, "forbidden")
    wrong_url = signed(params, twilio_mode["voip_auth_token"], url="https://evil.example/api/webhooks/twilio/status")
    assert_error(status_callback(endpoint, twilio_mode, params, wrong_url), 403, "forbidden")
    tampered = signed(params, twilio_mode["voip_auth_token"])
    tampered_params = {**params, "CallDuration": "9999"}
    assert_error(status_callback(endpoint, twilio_mode, tampered_params, tampered), 403, "forbidden")
    assert stored(db, call["call_id"])[0] == "connecting"


def test_replayed_late_and_out_of_order_callbacks_never_move_a_call_backwards(twilio_mode, endpoint, user, db):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    sequence = [
        ("in-progress", None),
        ("ringing", None),
        ("completed", 30),
        ("completed", 30),
        ("in-progress", None),
        ("busy", None),
    ]
    for status, duration in sequence:
        assert phone_leg(endpoint, twilio_mode, sid, status, duration).status_code == 200
    assert stored(db, call["call_id"])[:4] == ["completed", sid, 30, "callee_hung_up"]


def test_unknown_call_sid_is_200_and_logged(twilio_mode, endpoint, caplog):
    response = status_callback(endpoint, twilio_mode, {"CallSid": "CA" + "9" * 32, "CallStatus": "completed"})
    assert response.status_code == 200
    assert "status callback for an unknown call" in caplog.text


def test_a_status_word_with_no_meaning_is_200_and_changes_nothing(twilio_mode, endpoint, user, db, caplog):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    for leg in ({"CallSid": sid}, {"CallSid": "CA" + "8" * 32, "ParentCallSid": sid}):
        response = status_callback(endpoint, twilio_mode, {**leg, "CallStatus": "on-hold", "CallDuration": "x"})
        assert response.status_code == 200
    assert stored(db, call["call_id"])[0] == "connecting"
    assert "status callback without a known status ignored" in caplog.text


def test_wrong_content_type_is_415(twilio_mode, endpoint):
    response = endpoint("twilio_status").call("POST", "/api/webhooks/twilio/status", {"CallSid": "x"})
    assert_error(response, 415, "unsupported_media_type")


def race_terminate_against_webhook(endpoint, user, db):
    """One call, ended at once by the API and by a `completed` webhook, each in its own container."""
    from calls_platform.bootstrap import Container
    from calls_platform.config import Environment
    from calls_platform.use_cases import calls as call_cases
    from calls_platform.use_cases.ports import ProviderCallEvent
    from calls_platform.use_cases.provider_events import record_provider_event

    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    [[user_id]] = db.run("SELECT user_id FROM calls WHERE call_id = :c", c=call["call_id"])
    api_side, hook_side = Container(Environment.from_env()), Container(Environment.from_env())
    results, barrier = {}, threading.Barrier(2, timeout=30)

    def api():
        barrier.wait()
        try:
            ended = call_cases.terminate_call(api_side.call_deps, Caller(user_id), call["call_id"])
            results["api"] = ended.status.value
        except Exception as error:
            results["api"] = type(error).__name__

    def webhook():
        barrier.wait()
        event = ProviderCallEvent(sid, CallStatus.COMPLETED, 12, call_id=uuid.UUID(call["call_id"]))
        record_provider_event(hook_side.call_deps, event)

    threads = [threading.Thread(target=api), threading.Thread(target=webhook)]
    [t.start() for t in threads]
    [t.join(timeout=30) for t in threads]
    api_side.database.close()
    hook_side.database.close()
    return results["api"], stored(db, call["call_id"])


def test_terminate_racing_a_completed_webhook_ends_the_call_once(twilio_mode, endpoint, user, db):
    """Real concurrency on threads, repeated: exactly one side ends the call, every time."""
    for _ in range(5):
        api_result, (status, _, duration, reason, _) = race_terminate_against_webhook(endpoint, user, db)
        assert status == "completed"
        if api_result == "completed":
            assert reason == "caller_hung_up"
        else:
            assert api_result == "CallAlreadyEnded" and (reason, duration) == ("callee_hung_up", 12)


def test_public_url_is_configuration(twilio_mode, fake_twilio, endpoint, user, db):
    initiate(endpoint, user)
    [call_id] = [row[0] for row in db.run("SELECT call_id FROM calls")]
    assert (
        fake_twilio.creates()[0].one("StatusCallback")
        == f"{PUBLIC_BASE_URL}/api/webhooks/twilio/status?call_id={call_id}"
    )


def test_a_signed_callback_with_a_30_digit_duration_is_400(twilio_mode, endpoint, user, db):
    call = initiate(endpoint, user).json
    sid = sid_of(call["call_id"])
    params = {"CallSid": sid, "CallStatus": "completed", "CallDuration": "9" * 30}
    assert_error(status_callback(endpoint, twilio_mode, params), 400, "validation_error", "CallDuration")
    assert stored(db, call["call_id"])[0] != "completed"


def test_an_unverified_account_dials_nothing(twilio_mode, fake_twilio, endpoint, db):
    """Calls cost money in Twilio mode: an account whose email is not verified is refused before any dialling,
    and once it follows its link it can call."""
    from tests.conftest import unique_email
    from tests.support.emails import last, token_in

    email = unique_email()
    endpoint("register").call("POST", "/api/auth/register", {"email": email, "password": "password123"})
    token = endpoint("login").call("POST", "/api/auth/login", {"email": email, "password": "password123"}).json
    unverified = {"token": token["access_token"]}
    assert_error(initiate(endpoint, unverified), 403, "email_not_verified")
    assert fake_twilio.creates() == [] and db.run("SELECT count(*) FROM calls") == [[0]]
    verify = {"token": token_in(last(email), "verify")}
    assert endpoint("verify_email").call("POST", "/api/auth/verify-email", verify).status_code == 200
    assert initiate(endpoint, unverified).status_code == 201
    assert len(fake_twilio.creates()) == 1
