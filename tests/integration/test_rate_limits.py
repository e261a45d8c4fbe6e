"""The DynamoDB rate limiter against moto server: windows, limits, expiry through TTL."""

import pytest

from calls_platform.adapters.rate_limits import DynamoRateLimiter
from calls_platform.use_cases.ports import Limit
from infra.stack import RATE_LIMIT_TABLE


@pytest.fixture
def clock():
    return {"now": 1_800_000_000.0}


@pytest.fixture
def limiter(dynamodb, clock):
    return DynamoRateLimiter(dynamodb, RATE_LIMIT_TABLE, now=lambda: clock["now"])


def test_attempts_over_the_ceiling_are_refused_until_the_window_ends(limiter, clock):
    decisions = [limiter.reserve([Limit("k", 3, 60)]) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert 0 < decisions[-1].retry_after <= 60
    clock["now"] += 60  # the next window: a lock-out never outlasts one window
    assert limiter.reserve([Limit("k", 3, 60)]).allowed


def test_a_refused_reservation_counts_nothing_on_any_key(limiter, dynamodb):
    for _ in range(5):
        limiter.reserve([Limit("pair", 5, 900)])
    decision = limiter.reserve([Limit("pair", 5, 900), Limit("address", 20, 900)])
    assert not decision.allowed and decision.retry_after > 0
    assert not [i for i in dynamodb.scan(TableName=RATE_LIMIT_TABLE)["Items"] if i["key"]["S"].startswith("address#")]


def test_released_attempts_are_given_back(limiter):
    for _ in range(10):
        assert limiter.reserve([Limit("ok", 2, 900)]).allowed
        limiter.release([Limit("ok", 2, 900)])


def test_parallel_reservations_never_pass_the_ceiling(limiter):
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        decisions = list(pool.map(lambda _: limiter.reserve([Limit("race", 5, 900)]), range(40)))
    assert sum(d.allowed for d in decisions) <= 5


def test_windows_expire_through_the_tables_ttl(limiter, dynamodb, clock):
    limiter.reserve([Limit("ttl", 1, 60)])
    [item] = [i for i in dynamodb.scan(TableName=RATE_LIMIT_TABLE)["Items"] if i["key"]["S"].startswith("ttl#")]
    assert int(item["expires_at"]["N"]) == (int(clock["now"]) // 60 + 1) * 60
    ttl = dynamodb.describe_time_to_live(TableName=RATE_LIMIT_TABLE)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at" and ttl["TimeToLiveStatus"] == "ENABLED"


def test_a_released_attempt_can_note_a_key_until_it_expires(limiter, clock):
    limit = Limit("login:pair", 5, 900)
    assert limiter.reserve([limit]).allowed
    limiter.release([limit], remember=("login:known:198.51.100.7:acct", 3600))
    assert limiter.remembered("login:known:198.51.100.7:acct")
    assert not limiter.remembered("login:known:203.0.113.1:acct")
    clock["now"] += 3601  # DynamoDB's TTL deletes late: an expired note counts as none
    assert not limiter.remembered("login:known:198.51.100.7:acct")


def test_a_note_is_kept_even_when_the_window_to_give_back_to_has_ended(limiter, clock):
    limit = Limit("login:pair", 5, 60)
    assert limiter.reserve([limit]).allowed
    clock["now"] += 120  # the attempt's window is over: nothing to give back, the release is cancelled
    limiter.release([limit], remember=("login:known:198.51.100.8:acct", 3600))
    assert limiter.remembered("login:known:198.51.100.8:acct")
