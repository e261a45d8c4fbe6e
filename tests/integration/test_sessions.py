"""The DynamoDB session store against moto server."""

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from calls_platform.adapters.sessions import DynamoSessionStore
from calls_platform.domain.errors import ServiceUnavailable
from calls_platform.domain.sessions import LiveSession
from infra.stack import SESSIONS_TABLE

NOW = datetime.now(UTC).replace(microsecond=0)


def session(ttl=timedelta(hours=1), now=NOW):
    return LiveSession.for_call(f"sess_{uuid.uuid4().hex}", uuid.uuid4(), uuid.uuid4(), now, ttl)


def stored(dynamodb, session_id: str) -> dict | None:
    return dynamodb.get_item(TableName=SESSIONS_TABLE, Key={"session_id": {"S": session_id}}, ConsistentRead=True).get(
        "Item"
    )


def test_add_then_remove_with_its_expiry_for_dynamodbs_ttl(dynamodb):
    store = DynamoSessionStore(dynamodb, SESSIONS_TABLE)
    live = session()
    store.add(live)
    item = stored(dynamodb, live.session_id)
    assert item is not None and item["call_id"]["S"] == str(live.call_id)
    assert int(item["expires_at"]["N"]) == int(live.expires_at.timestamp())
    store.remove(live.session_id)
    assert stored(dynamodb, live.session_id) is None


def test_the_providers_id_is_kept_and_handed_back_by_the_delete(dynamodb):
    store = DynamoSessionStore(dynamodb, SESSIONS_TABLE)
    live = LiveSession.for_call(f"sess_{uuid.uuid4().hex}", uuid.uuid4(), uuid.uuid4(), NOW, timedelta(hours=1), "CA1")
    store.add(live)
    assert stored(dynamodb, live.session_id)["provider_call_id"] == {"S": "CA1"}
    assert store.provider_call_id(live.session_id) == "CA1"
    assert store.remove(live.session_id) == "CA1"  # ReturnValues=ALL_OLD: no read before the delete
    assert store.remove(live.session_id) is None and store.provider_call_id(live.session_id) is None
    without = session()
    store.add(without)
    assert "provider_call_id" not in stored(dynamodb, without.session_id)
    assert store.remove(without.session_id) is None


def test_the_table_expires_items_through_ttl(dynamodb):
    ttl = dynamodb.describe_time_to_live(TableName=SESSIONS_TABLE)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_an_unreachable_store_is_service_unavailable():
    import boto3
    from botocore.config import Config

    client = boto3.session.Session().client(
        "dynamodb", endpoint_url="http://127.0.0.1:9", config=Config(retries={"max_attempts": 1}, connect_timeout=1)
    )
    with pytest.raises(ServiceUnavailable, match="session store unavailable"):
        DynamoSessionStore(client, SESSIONS_TABLE).add(session())


def test_a_heartbeat_is_one_forward_only_write_on_a_session_still_there(dynamodb):
    store = DynamoSessionStore(dynamodb, SESSIONS_TABLE)
    polled, never, gone = session(), session(), session()
    for live in (polled, never, gone):
        store.add(live)
    store.touch(polled.session_id, NOW + timedelta(seconds=10.25))
    store.touch(polled.session_id, NOW + timedelta(seconds=9))  # an older poll (another tab) does not move it back
    store.remove(gone.session_id)
    store.touch(gone.session_id, NOW)  # no stub item brought back for an ended call's session
    assert stored(dynamodb, gone.session_id) is None
    ours = {polled.session_id, never.session_id}
    silent = [s for s in store.silent_since(NOW + timedelta(seconds=11)) if s.session_id in ours]
    assert silent == [dataclasses.replace(polled, last_seen=NOW + timedelta(seconds=10.25))]  # to the millisecond
    assert [s for s in store.silent_since(NOW + timedelta(seconds=10)) if s.session_id in ours] == []
