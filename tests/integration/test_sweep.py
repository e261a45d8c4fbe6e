"""The scheduled sweep against real Postgres and moto: stale calls end as failed (timeout), once; a call whose
page stopped polling ends as `page_gone`, billed to its last poll."""

import time
from datetime import UTC, datetime, timedelta

from calls_platform import bootstrap
from infra.stack import SESSIONS_TABLE
from tests.conftest import session_ids


def test_the_sweep_function_closes_only_stale_calls(endpoint, user, db, dynamodb):
    stale = (
        endpoint("initiate_call")
        .call("POST", "/api/calls/initiate", {"phone_number": "+491512345678"}, token=user["token"])
        .json
    )
    fresh = (
        endpoint("initiate_call")
        .call("POST", "/api/calls/initiate", {"phone_number": "+491512345678"}, token=user["token"])
        .json
    )
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    db.run("UPDATE calls SET start_time = :t WHERE call_id = :c", t=long_ago, c=stale["call_id"])
    from functions.sweep.app import handler

    assert handler({}, None) == {"closed": [stale["call_id"]]}
    rows = dict(db.run("SELECT call_id::text, status || '/' || coalesce(end_reason, '') FROM calls"))
    assert rows[stale["call_id"]] == "failed/timeout"
    assert rows[fresh["call_id"]] in ("connecting/", "ringing/")  # still live (the media peer's callee rings)
    assert stale["session_id"] not in session_ids(dynamodb) and fresh["session_id"] in session_ids(dynamodb)
    bootstrap.reset()
    assert handler({}, None) == {"closed": []}


def test_a_call_whose_page_stops_polling_is_ended_by_the_sweep_billed_to_the_last_poll(
    endpoint, user, db, dynamodb, monkeypatch
):
    monkeypatch.setenv("CALL_HEARTBEAT_GRACE_SECONDS", "1")
    bootstrap.reset()
    from tests.functions.test_call_endpoints import answer

    call = (
        endpoint("initiate_call")
        .call("POST", "/api/calls/initiate", {"phone_number": "+491512345678"}, token=user["token"])
        .json
    )
    answer(endpoint, user["token"], call["call_id"])
    deadline = time.monotonic() + 10  # the media peer's callee answers after its ringback
    while endpoint("get_call").call("GET", f"/api/calls/{call['call_id']}", token=user["token"]).json["status"] != (
        "active"
    ):
        assert time.monotonic() < deadline, "the media peer's callee never answered"
        time.sleep(0.2)
    # As if answered 40 s ago and polled since: the page's polls are its heartbeat.
    db.run(
        "UPDATE calls SET start_time = now() - interval '45 seconds', answer_time = now() - interval '40 seconds'"
        " WHERE call_id = :c",
        c=call["call_id"],
    )
    for _ in range(2):
        polled = endpoint("get_call").call("GET", f"/api/calls/{call['call_id']}", token=user["token"])
        assert polled.json["status"] == "active"
    item = dynamodb.get_item(TableName=SESSIONS_TABLE, Key={"session_id": {"S": call["session_id"]}})["Item"]
    last_poll = datetime.fromtimestamp(float(item["last_seen"]["N"]), UTC)
    from functions.sweep.app import handler

    assert handler({}, None) == {"closed": []}  # within the grace
    time.sleep(1.6)  # the page is gone: no poll since
    assert handler({}, None) == {"closed": [call["call_id"]]}
    [[status, reason, duration, end_time, answer_time]] = db.run(
        "SELECT status, end_reason, duration, end_time, answer_time FROM calls WHERE call_id = :c", c=call["call_id"]
    )
    assert (status, reason) == ("completed", "page_gone")
    # Billed to the last poll (about 40 s after the answer), not to when the sweep noticed (1.6 s later).
    assert abs((end_time - last_poll).total_seconds()) < 0.01
    assert duration == int((last_poll - answer_time).total_seconds()) >= 40
    assert call["session_id"] not in session_ids(dynamodb)
    shown = endpoint("get_call").call("GET", f"/api/calls/{call['call_id']}", token=user["token"]).json
    assert (shown["status"], shown["end_reason"]) == ("completed", "page_gone")
    assert call["session_id"] not in session_ids(dynamodb)  # a poll of the ended call brings nothing back
