"""The DynamoDB rate limiter against moto server: windows, limits, expiry through TTL."""

import pytest

from calls_platform.adapters.rate_limits import DynamoRateLimiter
from infra.stack import RATE_LIMIT_TABLE


@pytest.fixture
def clock():
    return {"now": 1_800_000_000.0}


@pytest.fixture
def limiter(dynamodb, clock):
    return DynamoRateLimiter(dynamodb, RATE_LIMIT_TABLE, now=lambda: clock["now"])


def test_hits_over_the_limit_are_refused_until_the_window_ends(limiter, clock):
    decisions = [limiter.hit(["k"], 3, 60) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert 0 < decisions[-1].retry_after <= 60
    clock["now"] += 60  # the next window: a lock-out never outlasts one window
    assert limiter.hit(["k"], 3, 60).allowed


def test_check_reads_without_counting(limiter):
    for _ in range(5):
        limiter.hit(["account"], 5, 900)
    decision = limiter.check([("account", 5), ("address", 20)], 900)
    assert not decision.allowed and decision.retry_after > 0
    assert limiter.check([("other", 5)], 900).allowed
    assert limiter.check([("other", 5)], 900).allowed


def test_windows_expire_through_the_tables_ttl(limiter, dynamodb, clock):
    limiter.hit(["ttl"], 1, 60)
    [item] = [i for i in dynamodb.scan(TableName=RATE_LIMIT_TABLE)["Items"] if i["key"]["S"].startswith("ttl#")]
    assert int(item["expires_at"]["N"]) == (int(clock["now"]) // 60 + 1) * 60
    ttl = dynamodb.describe_time_to_live(TableName=RATE_LIMIT_TABLE)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at" and ttl["TimeToLiveStatus"] == "ENABLED"
