"""Fixed-window counters in DynamoDB, expiring through TTL: brute-force and spending limits.

An attempt is counted before the work it limits, in one TransactWriteItems whose every update is conditional
on its counter being under the ceiling: parallel requests cannot all read "4 of 5" and all go ahead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from calls_platform.domain.errors import ServiceUnavailable
from calls_platform.use_cases.ports import Limit, RateDecision

_CONFLICT_RETRIES = 3  # DynamoDB cancels transactions that touch an item another one is writing


class DynamoRateLimiter:
    def __init__(self, client: Any, table: str, now: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table
        self._now = now

    def _window(self, limit: Limit) -> tuple[str, int, int]:
        """(item key, window end, seconds until it ends) of the limit's current window."""
        now = self._now()
        start = int(now // limit.window_s * limit.window_s)
        end = start + limit.window_s
        return f"{limit.key}#{start}", end, max(1, int(end - now + 0.999))

    def reserve(self, limits: list[Limit]) -> RateDecision:
        windows = [self._window(limit) for limit in limits]
        items = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": {"key": {"S": key}},
                    "UpdateExpression": "ADD hits :one SET expires_at = :end",
                    "ConditionExpression": "attribute_not_exists(hits) OR hits < :ceiling",
                    "ExpressionAttributeValues": {
                        ":one": {"N": "1"},
                        ":end": {"N": str(end)},
                        ":ceiling": {"N": str(limit.ceiling)},
                    },
                }
            }
            for limit, (key, end, _) in zip(limits, windows, strict=True)
        ]
        for _ in range(_CONFLICT_RETRIES):
            reasons = self._transact(items)
            if reasons is None:
                return RateDecision(True)
            full = [w[2] for w, r in zip(windows, reasons, strict=False) if r.get("Code") == "ConditionalCheckFailed"]
            if full or not reasons:
                return RateDecision(False, max(full or [w[2] for w in windows]))
        return RateDecision(False, 1)  # still contended: refuse (fail closed), the client retries in a second

    def release(self, limits: list[Limit], remember: tuple[str, int] | None = None) -> None:
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": {"key": {"S": key}},
                    "UpdateExpression": "ADD hits :minus",
                    "ConditionExpression": "hits > :zero",
                    "ExpressionAttributeValues": {":minus": {"N": "-1"}, ":zero": {"N": "0"}},
                }
            }
            for key, _, _ in map(self._window, limits)
        ]
        note = self._note(*remember) if remember else None
        if self._transact([*items, *([note] if note else [])]) is not None and note:
            self._transact([note])  # a window that ended meanwhile had nothing to give back; still remember

    def _note(self, key: str, ttl_s: int) -> dict[str, Any]:
        expires = str(int(self._now()) + ttl_s)
        item = {"key": {"S": key}, "expires_at": {"N": expires}}
        return {"Put": {"TableName": self._table, "Item": item}}

    def remembered(self, key: str) -> bool:
        try:
            found = self._client.get_item(TableName=self._table, Key={"key": {"S": key}}, ConsistentRead=True)
        except (BotoCoreError, ClientError) as error:
            raise ServiceUnavailable("rate limit store unavailable") from error
        item = found.get("Item")  # TTL deletes late: an expired note is no note
        return item is not None and int(item["expires_at"]["N"]) > self._now()

    def _transact(self, items: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """None when the transaction went through; else the cancellation reasons, one per item."""
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                return error.response.get("CancellationReasons") or []
            raise ServiceUnavailable("rate limit store unavailable") from error
        except BotoCoreError as error:
            raise ServiceUnavailable("rate limit store unavailable") from error
        return None
