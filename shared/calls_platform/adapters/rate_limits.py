"""Fixed-window counters in DynamoDB, expiring through TTL: brute-force and spending limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from calls_platform.domain.errors import ServiceUnavailable
from calls_platform.use_cases.ports import RateDecision


class DynamoRateLimiter:
    def __init__(self, client: Any, table: str, now: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table
        self._now = now

    def _window(self, key: str, window_s: int) -> tuple[str, int, int]:
        now = self._now()
        start = int(now // window_s * window_s)
        return f"{key}#{start}", start + window_s, max(1, int(start + window_s - now + 0.999))

    def check(self, limits: list[tuple[str, int]], window_s: int) -> RateDecision:
        windows = {self._window(key, window_s)[0]: (limit, self._window(key, window_s)[2]) for key, limit in limits}
        try:
            found = self._client.batch_get_item(
                RequestItems={self._table: {"Keys": [{"key": {"S": k}} for k in windows], "ConsistentRead": True}}
            )["Responses"].get(self._table, [])
        except (BotoCoreError, ClientError) as error:
            raise ServiceUnavailable("rate limit store unavailable") from error
        for item in found:
            limit, retry_after = windows[item["key"]["S"]]
            if int(item["hits"]["N"]) >= limit:
                return RateDecision(False, retry_after)
        return RateDecision(True)

    def hit(self, keys: list[str], limit: int, window_s: int) -> RateDecision:
        decision = RateDecision(True)
        for key in keys:
            window_key, window_end, retry_after = self._window(key, window_s)
            try:
                hits = self._client.update_item(
                    TableName=self._table,
                    Key={"key": {"S": window_key}},
                    UpdateExpression="ADD hits :one SET expires_at = :end",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":end": {"N": str(window_end)}},
                    ReturnValues="UPDATED_NEW",
                )["Attributes"]["hits"]["N"]
            except (BotoCoreError, ClientError) as error:
                raise ServiceUnavailable("rate limit store unavailable") from error
            if int(hits) > limit:
                decision = RateDecision(False, retry_after)
        return decision
