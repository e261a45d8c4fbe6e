"""Live call sessions in DynamoDB, one item per session, expiring through the table's TTL attribute."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from calls_platform.domain.errors import ServiceUnavailable
from calls_platform.domain.sessions import LiveSession

TTL_ATTRIBUTE = "expires_at"


@contextmanager
def _unavailable_on_error() -> Iterator[None]:
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise ServiceUnavailable("session store unavailable") from error


def _epoch(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def _epoch_ms(moment: datetime) -> str:
    """To the millisecond: a heartbeat is what a call is billed to."""
    return f"{moment.timestamp():.3f}"


def _moment(raw: str) -> datetime:
    return datetime.fromtimestamp(float(raw), UTC)


class DynamoSessionStore:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def add(self, session: LiveSession) -> None:
        item = {
            "session_id": {"S": session.session_id},
            "call_id": {"S": str(session.call_id)},
            "user_id": {"S": str(session.user_id)},
            "created_at": {"N": _epoch(session.created_at)},
            TTL_ATTRIBUTE: {"N": _epoch(session.expires_at)},
        }
        if session.provider_call_id:
            item["provider_call_id"] = {"S": session.provider_call_id}
        with _unavailable_on_error():
            self._client.put_item(TableName=self._table, Item=item)

    def remove(self, session_id: str) -> str | None:
        """Delete the session; the provider's id it held comes back with the delete (ALL_OLD), no extra read."""
        with _unavailable_on_error():
            removed = self._client.delete_item(
                TableName=self._table, Key={"session_id": {"S": session_id}}, ReturnValues="ALL_OLD"
            )
        return _provider_call_id(removed.get("Attributes"))

    def provider_call_id(self, session_id: str) -> str | None:
        with _unavailable_on_error():
            found = self._client.get_item(
                TableName=self._table, Key={"session_id": {"S": session_id}}, ConsistentRead=True
            )
        return _provider_call_id(found.get("Item"))

    def touch(self, session_id: str, at: datetime) -> None:
        """One conditional write: only on a session still there (a removed one is not brought back as a stub),
        and only forward (two tabs polling at once)."""
        try:
            with _unavailable_on_error():
                self._client.update_item(
                    TableName=self._table,
                    Key={"session_id": {"S": session_id}},
                    UpdateExpression="SET last_seen = :at",
                    ConditionExpression="attribute_exists(session_id) AND "
                    "(attribute_not_exists(last_seen) OR last_seen < :at)",
                    ExpressionAttributeValues={":at": {"N": _epoch_ms(at)}},
                )
        except ServiceUnavailable as error:
            if _is_condition_failure(error.__cause__):
                return  # the session is gone (its call ended) or a later heartbeat is already there
            raise

    def silent_since(self, before: datetime) -> list[LiveSession]:
        """A scan, filtered: the table holds live sessions only (each removed when its call ends), so it stays
        small, and the scheduled sweep reads it once a run."""
        sessions: list[LiveSession] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "last_seen < :before",
            "ExpressionAttributeValues": {":before": {"N": _epoch_ms(before)}},
            "ConsistentRead": True,
        }
        while True:
            with _unavailable_on_error():
                page = self._client.scan(**request)
            sessions.extend(_session(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return sessions
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _is_condition_failure(error: BaseException | None) -> bool:
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") == (
        "ConditionalCheckFailedException"
    )


def _session(item: dict[str, Any]) -> LiveSession:
    return LiveSession(
        session_id=item["session_id"]["S"],
        call_id=uuid.UUID(item["call_id"]["S"]),
        user_id=uuid.UUID(item["user_id"]["S"]),
        created_at=_moment(item["created_at"]["N"]),
        expires_at=_moment(item[TTL_ATTRIBUTE]["N"]),
        provider_call_id=_provider_call_id(item),
        last_seen=_moment(item["last_seen"]["N"]) if "last_seen" in item else None,
    )


def _provider_call_id(item: dict[str, Any] | None) -> str | None:
    value = (item or {}).get("provider_call_id", {}).get("S")
    return str(value) if value else None
