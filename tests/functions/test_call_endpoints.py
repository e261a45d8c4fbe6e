"""Calls in mock mode through each call function's own Chalice app: initiate, answer, terminate, get,
history and health, their errors, metrics and log lines."""

import json
import re
import time
import uuid

import pytest

from tests.conftest import assert_error, session_ids
from tests.support.paths import FIXTURES

NUMBER = "+491512345678"


def initiate(endpoint, token, number=NUMBER):
    return endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": number}, token=token)


def test_initiate_answers_201_with_a_session_and_offer(endpoint, user, dynamodb):
    response = initiate(endpoint, user["token"])
    assert response.status_code == 201, response.body
    body = response.json
    assert set(body) == {"call_id", "session_id", "sdp_offer", "status", "start_time"}
    assert body["status"] == "connecting"
    uuid.UUID(body["call_id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["start_time"])
    assert body["sdp_offer"].startswith("v=0\r\n") and "a=setup:actpass\r\n" in body["sdp_offer"]
    assert body["session_id"] in session_ids(dynamodb)


@pytest.mark.parametrize("number", ["491512345678", "+49 151 2345678"])
def test_non_e164_numbers_get_400_showing_the_format(endpoint, user, number, db):
    assert_error(initiate(endpoint, user["token"], number), 400, "validation_error", "+<country_code><number>")
    assert db.run("SELECT count(*) FROM calls") == [[0]]


def test_missing_number(endpoint, user):
    response = endpoint("initiate_call").call("POST", "/api/calls/initiate", {}, token=user["token"])
    assert_error(response, 400, "validation_error", "phone_number is required")


@pytest.mark.parametrize("token", [None, "garbage", "Bearer"])
def test_calls_need_a_valid_token(endpoint, token, db):
    response = endpoint("initiate_call").call(
        "POST", "/api/calls/initiate", {"phone_number": NUMBER}, headers={"Authorization": token} if token else {}
    )
    assert_error(response, 401, "unauthorized")
    assert db.run("SELECT count(*) FROM calls") == [[0]]


def test_voip_failure_is_503_with_a_failed_call_and_no_session(endpoint, user, dynamodb, db, monkeypatch):
    from calls_platform import bootstrap
    from calls_platform.domain.errors import CallInitiationFailed

    def refuse(call, max_seconds=None):
        raise CallInitiationFailed("provider down")

    monkeypatch.setattr(bootstrap.container().call_deps.voip, "place_call", refuse)
    before = session_ids(dynamodb)
    assert_error(initiate(endpoint, user["token"]), 503, "call_initiation_failed", "VoIP service unavailable")
    assert db.run("SELECT status, duration FROM calls") == [["failed", 0]]
    assert session_ids(dynamodb) == before


def test_terminate_completes_with_duration(endpoint, user, dynamodb):
    call = initiate(endpoint, user["token"]).json
    response = endpoint("terminate_call").call(
        "POST", "/api/calls/terminate", {"call_id": call["call_id"]}, token=user["token"]
    )
    assert response.status_code == 200
    assert response.json == {"call_id": call["call_id"], "duration": 0, "status": "completed"}
    assert call["session_id"] not in session_ids(dynamodb)


def test_terminate_says_why_when_the_pages_media_connection_was_lost(endpoint, user):
    """The only reason a caller may give; anything else is refused before the call changes."""
    terminate = endpoint("terminate_call")
    call = initiate(endpoint, user["token"]).json
    bad = {"call_id": call["call_id"], "reason": "callee_hung_up"}
    assert_error(terminate.call("POST", "/api/calls/terminate", bad, token=user["token"]), 400, "validation_error")
    lost = {"call_id": call["call_id"], "reason": "connection_lost"}
    assert terminate.call("POST", "/api/calls/terminate", lost, token=user["token"]).status_code == 200
    mine = endpoint("get_call").call("GET", f"/api/calls/{call['call_id']}", token=user["token"]).json
    assert (mine["status"], mine["end_reason"]) == ("completed", "connection_lost")


def test_terminate_errors(endpoint, user):
    other = user["token"]
    call = initiate(endpoint, other).json
    terminate = endpoint("terminate_call")
    assert_error(
        terminate.call("POST", "/api/calls/terminate", {"call_id": str(uuid.uuid4())}, token=other),
        404,
        "call_not_found",
    )
    assert_error(
        terminate.call("POST", "/api/calls/terminate", {"call_id": "42"}, token=other), 400, "validation_error"
    )
    assert_error(
        terminate.call("POST", "/api/calls/terminate", {}, token=other), 400, "validation_error", "call_id is required"
    )
    terminate.call("POST", "/api/calls/terminate", {"call_id": call["call_id"]}, token=other)
    again = terminate.call("POST", "/api/calls/terminate", {"call_id": call["call_id"]}, token=other)
    assert_error(again, 409, "call_already_ended", "completed")


def test_someone_elses_call_is_403_and_logged(endpoint, user, caplog):
    call = initiate(endpoint, user["token"]).json
    endpoint("register").call("POST", "/api/auth/register", {"email": "mallory@example.com", "password": "password123"})
    mallory = (
        endpoint("login")
        .call("POST", "/api/auth/login", {"email": "mallory@example.com", "password": "password123"})
        .json
    )
    response = endpoint("terminate_call").call(
        "POST", "/api/calls/terminate", {"call_id": call["call_id"]}, token=mallory["access_token"]
    )
    assert_error(response, 403, "call_termination_failed")
    assert "unauthorized call termination attempt" in caplog.text


def test_history_lists_own_calls_newest_first(endpoint, user):
    first = initiate(endpoint, user["token"]).json
    second = initiate(endpoint, user["token"], "+4915123456789").json
    endpoint("terminate_call").call("POST", "/api/calls/terminate", {"call_id": first["call_id"]}, token=user["token"])
    response = endpoint("call_history").call("GET", "/api/calls/history", token=user["token"])
    assert response.status_code == 200
    calls = response.json["calls"]
    assert [c["call_id"] for c in calls] == [second["call_id"], first["call_id"]]
    keys = {
        "call_id",
        "phone_number",
        "status",
        "session_id",
        "start_time",
        "answer_time",
        "end_time",
        "duration",
        "end_reason",
        "contact_name",  # the number's name among the caller's contacts (tests/functions/test_contact_endpoints.py)
    }
    assert all(set(c) == keys for c in calls)
    assert calls[1]["status"] == "completed" and calls[1]["end_time"] is not None
    assert calls[0]["end_time"] is None and calls[0]["duration"] is None


def test_history_needs_a_token(endpoint):
    assert_error(endpoint("call_history").call("GET", "/api/calls/history"), 401, "unauthorized")


def test_health(endpoint, stack):
    assert endpoint("health").call("GET", "/api/health").json == {"status": "ok"}


def test_health_is_503_when_the_database_is_down(endpoint, stack, db):
    if stack.postgres is None:
        pytest.skip("POSTGRES_HOST points at a server these tests do not own")
    stack.postgres.stop()
    try:
        assert_error(endpoint("health").call("GET", "/api/health"), 503, "service_unavailable")
    finally:
        stack.postgres.start()
    assert endpoint("health").call("GET", "/api/health").status_code == 200


CHROMIUM_ANSWER = (FIXTURES / "chromium_answer.sdp").open(newline="").read()


def answer(endpoint, token, call_id, sdp=CHROMIUM_ANSWER):
    return endpoint("answer_call").call(
        "POST", "/api/calls/answer", {"call_id": call_id, "sdp_answer": sdp}, token=token
    )


def test_answer_stores_the_sdp_and_the_media_peer_answers_after_ringing(endpoint, user):
    """The stack's media peer (infra/media/) holds the offer: real ICE candidates on loopback; the browser's
    answer only stores the SDP, and the mock callee answering (its report, ~2 s of ringing later) makes the
    call active and stamps the answer time."""
    call = initiate(endpoint, user["token"]).json
    assert "a=candidate:" in call["sdp_offer"] and "127.0.0.1" in call["sdp_offer"]
    response = answer(endpoint, user["token"], call["call_id"])
    assert response.status_code == 200, response.body
    body = response.json
    assert body["status"] in ("connecting", "ringing") and body["sdp_answer"] == CHROMIUM_ANSWER
    assert body["sdp_offer"] == call["sdp_offer"] and body["answer_time"] is None
    deadline = time.monotonic() + 6
    while body["status"] != "active" and time.monotonic() < deadline:
        time.sleep(0.2)
        body = endpoint("get_call").call("GET", f"/api/calls/{call['call_id']}", token=user["token"]).json
    assert body["status"] == "active" and body["answer_time"]


def test_without_a_media_peer_the_offer_is_synthesized_and_the_answer_connects(endpoint, user, monkeypatch):
    """Mock mode deployed (no media service): today's synthesized offer, and the answer connects the call."""
    from calls_platform import bootstrap

    monkeypatch.delenv("MEDIA_PEER_URL")
    bootstrap.reset()
    call = initiate(endpoint, user["token"]).json
    assert "a=candidate:" not in call["sdp_offer"]
    body = answer(endpoint, user["token"], call["call_id"]).json
    assert body["status"] == "active" and body["answer_time"] and body["sdp_answer"] == CHROMIUM_ANSWER


def test_answer_errors(endpoint, user):
    call = initiate(endpoint, user["token"]).json
    bad = answer(endpoint, user["token"], call["call_id"], call["sdp_offer"])
    assert_error(bad, 400, "validation_error", "active or passive")
    assert_error(answer(endpoint, user["token"], str(uuid.uuid4())), 404, "call_not_found")
    endpoint("register").call("POST", "/api/auth/register", {"email": "eve@example.com", "password": "password123"})
    eve = endpoint("login").call("POST", "/api/auth/login", {"email": "eve@example.com", "password": "password123"})
    assert_error(answer(endpoint, eve.json["access_token"], call["call_id"]), 403, "call_answer_failed")
    assert answer(endpoint, user["token"], call["call_id"]).status_code == 200
    assert_error(answer(endpoint, user["token"], call["call_id"]), 409, "call_already_answered")
    endpoint("terminate_call").call("POST", "/api/calls/terminate", {"call_id": call["call_id"]}, token=user["token"])
    ended = initiate(endpoint, user["token"]).json
    endpoint("terminate_call").call("POST", "/api/calls/terminate", {"call_id": ended["call_id"]}, token=user["token"])
    assert_error(answer(endpoint, user["token"], ended["call_id"]), 409, "call_already_ended", "completed")


def test_get_call_returns_the_callers_own_call_with_its_sdp(endpoint, user):
    call = initiate(endpoint, user["token"]).json
    answer(endpoint, user["token"], call["call_id"])
    mine = endpoint("get_call").call("GET", f"/api/calls/{call['call_id']}", token=user["token"])
    assert mine.status_code == 200
    assert mine.json["sdp_offer"] == call["sdp_offer"] and mine.json["sdp_answer"] == CHROMIUM_ANSWER
    endpoint("register").call("POST", "/api/auth/register", {"email": "oscar@example.com", "password": "password123"})
    other = endpoint("login").call("POST", "/api/auth/login", {"email": "oscar@example.com", "password": "password123"})
    theirs = endpoint("get_call").call("GET", f"/api/calls/{call['call_id']}", token=other.json["access_token"])
    assert_error(theirs, 404, "call_not_found")
    assert_error(
        endpoint("get_call").call("GET", "/api/calls/not-a-uuid", token=user["token"]), 400, "validation_error"
    )


def test_history_pages_and_filters(endpoint, user):
    made = [initiate(endpoint, user["token"]).json["call_id"] for _ in range(5)]
    endpoint("terminate_call").call("POST", "/api/calls/terminate", {"call_id": made[0]}, token=user["token"])
    history = endpoint("call_history")
    seen, cursor = [], None
    while True:
        path = "/api/calls/history?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = history.call("GET", path, token=user["token"]).json
        seen += [c["call_id"] for c in page["calls"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made[::-1]
    completed = history.call("GET", "/api/calls/history?status=completed", token=user["token"]).json
    assert [c["call_id"] for c in completed["calls"]] == [made[0]] and completed["next_cursor"] is None
    assert completed["calls"][0]["end_reason"] == "caller_hung_up"


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "cursor=xyz", "status=bogus"])
def test_bad_history_parameters_are_400(endpoint, user, query):
    response = endpoint("call_history").call("GET", f"/api/calls/history?{query}", token=user["token"])
    assert_error(response, 400, "validation_error")


def test_a_call_emits_emf_metrics_and_logs_carry_the_call_id(endpoint, user, capsys, caplog):
    call = initiate(endpoint, user["token"]).json
    endpoint("terminate_call").call("POST", "/api/calls/terminate", {"call_id": call["call_id"]}, token=user["token"])
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    names = {m["Name"] for line in emf for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert {"CallAttempts", "CallsInitiated", "CallDuration"} <= names
    assert all(line["service"] == "calls-platform" for line in emf)
    ended = next(r for r in caplog.records if r.getMessage() == "call terminated successfully")
    assert ended.call_id == call["call_id"]
