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


def _moment(value: str) -> datetime:
    return datetime.fromtimestamp(int(value), tz=UTC)


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
        with _unavailable_on_error():
            self._client.put_item(TableName=self._table, Item=item)

    def remove(self, session_id: str) -> None:
        with _unavailable_on_error():
            self._client.delete_item(TableName=self._table, Key={"session_id": {"S": session_id}})

    def get(self, session_id: str, now: datetime) -> LiveSession | None:
        with _unavailable_on_error():
            item = self._client.get_item(
                TableName=self._table, Key={"session_id": {"S": session_id}}, ConsistentRead=True
            ).get("Item")
        if item is None:
            return None
        session = LiveSession(
            session_id=item["session_id"]["S"],
            call_id=uuid.UUID(item["call_id"]["S"]),
            user_id=uuid.UUID(item["user_id"]["S"]),
            created_at=_moment(item["created_at"]["N"]),
            expires_at=_moment(item[TTL_ATTRIBUTE]["N"]),
        )
        return None if session.is_expired(now) else session
