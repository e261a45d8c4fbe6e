"""Live call sessions in DynamoDB, one item per session, expiring through the table's TTL attribute."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
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


def _provider_call_id(item: dict[str, Any] | None) -> str | None:
    value = (item or {}).get("provider_call_id", {}).get("S")
    return str(value) if value else None
