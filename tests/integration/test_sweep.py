"""The scheduled sweep against real Postgres and moto: stale calls end as failed (timeout), once."""

from datetime import UTC, datetime, timedelta

from calls_platform import bootstrap
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
