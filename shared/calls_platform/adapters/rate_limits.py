"""Token buckets in DynamoDB (GCRA), expiring through TTL: brute-force and spending limits.

A limit of `ceiling` a `window_s` is a bucket of `ceiling` tokens refilled one every `window_s / ceiling`
seconds. Each bucket is one item holding its theoretical arrival time (`tat`): when the bucket would be full
again. An attempt is allowed while `max(tat, now) + interval <= now + window_s`, and moves `tat` on by one
interval. Fixed windows let a double burst through at a boundary ("10 a minute" admitted 20 in 6.4 s); a
bucket admits at most `ceiling` at once plus one per interval after, whatever the clock says.

An attempt is counted before the work it limits, in one TransactWriteItems whose every update is conditional
on its bucket having a token: parallel requests cannot all read "4 of 5" and all go ahead. Each update is
written for the state its bucket is guessed to be in (idle: `tat` passed; busy: `tat` ahead); a wrong guess
is cancelled, returns the item as it is, and the next try is exact.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from calls_platform.domain.errors import ServiceUnavailable
from calls_platform.use_cases.limit_ports import Limit, RateDecision

_TRIES = 6  # wrong guesses, and DynamoDB cancelling transactions that touch an item another one is writing
_MAX_HINTS = 4096


class DynamoRateLimiter:
    def __init__(self, client: Any, table: str, now: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table
        self._now = now
        self._hints: dict[str, float] = {}  # last `tat` seen per bucket in this container: a guess, never trusted

    def reserve(self, limits: list[Limit]) -> RateDecision:
        now = self._now()
        if any(limit.ceiling <= 0 for limit in limits):  # a limit set to 0: nothing is allowed
            return RateDecision(False, max(limit.window_s for limit in limits))
        known = [self._hints.get(limit.key) for limit in limits]
        for _ in range(_TRIES):
            busy = [tat is not None and tat > now for tat in known]
            reasons = self._transact([self._take(limit, now, b) for limit, b in zip(limits, busy, strict=True)])
            if reasons is None:
                self._remember_taken(limits, now, known, busy)
                return RateDecision(True)
            waits: list[float] = []
            for index, (limit, reason) in enumerate(zip(limits, reasons, strict=False)):
                if reason.get("Code") != "ConditionalCheckFailed":
                    continue
                tat = _tat(reason.get("Item"))
                known[index] = seen = tat if tat is not None else now - 1  # gone (TTL): idle
                self._hint(limit.key, seen)
                if tat is not None and tat > _edge(limit, now):
                    waits.append(tat - _edge(limit, now))
            if waits:
                return RateDecision(False, max(1, math.ceil(max(waits))))
        return RateDecision(False, 1)  # still contended: refuse (fail closed), the client retries in a second

    def _take(self, limit: Limit, now: float, busy: bool) -> dict[str, Any]:
        """One token from the bucket, for the state it is guessed to be in."""
        values = {":now": _n(now), ":expires": {"N": str(math.ceil(now + limit.window_s))}}
        if busy:
            update = "SET tat = tat + :interval, expires_at = :expires"
            condition = "tat > :now AND tat <= :edge"
            values |= {":interval": _n(_interval(limit)), ":edge": _n(_edge(limit, now))}
        else:
            update = "SET tat = :fresh, expires_at = :expires"
            condition = "attribute_not_exists(tat) OR tat <= :now"
            values |= {":fresh": _n(now + _interval(limit))}
        return {
            "Update": {
                "TableName": self._table,
                "Key": {"key": {"S": limit.key}},
                "UpdateExpression": update,
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _remember_taken(self, limits: list[Limit], now: float, known: list[float | None], busy: list[bool]) -> None:
        for limit, tat, was_busy in zip(limits, known, busy, strict=True):
            self._hint(limit.key, (tat if was_busy and tat is not None else now) + _interval(limit))

    def _hint(self, key: str, tat: float) -> None:
        if len(self._hints) >= _MAX_HINTS:
            self._hints.clear()
        self._hints[key] = tat

    def release(self, limits: list[Limit], remember: tuple[str, int] | None = None) -> None:
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": {"key": {"S": limit.key}},
                    "UpdateExpression": "SET tat = tat - :interval",
                    "ConditionExpression": "attribute_exists(tat)",
                    "ExpressionAttributeValues": {":interval": _n(_interval(limit))},
                }
            }
            for limit in limits
        ]
        for limit in limits:
            if limit.key in self._hints:
                self._hints[limit.key] -= _interval(limit)
        note = self._note(*remember) if remember else None
        if self._transact([*items, *([note] if note else [])]) is not None and note:
            self._transact([note])  # a bucket that expired meanwhile had nothing to give back; still remember

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


def _interval(limit: Limit) -> float:
    """Seconds between two tokens: the bucket refills at `ceiling` a window."""
    return limit.window_s / limit.ceiling


def _edge(limit: Limit, now: float) -> float:
    """The latest `tat` at which the bucket still has a token now."""
    return now + limit.window_s - _interval(limit)


def _tat(item: dict[str, Any] | None) -> float | None:
    value = (item or {}).get("tat", {}).get("N")
    return float(value) if value is not None else None


def _n(value: float) -> dict[str, str]:
    return {"N": f"{value:.3f}"}
