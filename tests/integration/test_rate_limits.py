"""The DynamoDB rate limiter against moto server: token buckets, limits, expiry through TTL."""

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


def test_attempts_over_the_ceiling_are_refused_until_a_token_is_back(limiter, clock):
    decisions = [limiter.reserve([Limit("k", 3, 60)]) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].retry_after == 20  # one token every 60 / 3 seconds
    clock["now"] += 19
    assert not limiter.reserve([Limit("k", 3, 60)]).allowed
    clock["now"] += 1
    assert limiter.reserve([Limit("k", 3, 60)]).allowed
    clock["now"] += 60  # a lock-out never outlasts one window
    assert [limiter.reserve([Limit("k", 3, 60)]).allowed for _ in range(4)] == [True, True, True, False]


def test_no_double_burst_across_a_window_boundary(limiter, clock):
    """Found by attacking `make run`: fixed windows admitted 20 password checks in 6.4 s across a boundary."""
    clock["now"] = 1_800_000_000.0 - 0.5  # half a second before a minute starts
    admitted = 0
    for _ in range(64):  # one attempt every 0.1 s for 6.4 s
        admitted += limiter.reserve([Limit("burst", 10, 60)]).allowed
        clock["now"] += 0.1
    print(f"FIGURE attempts admitted in 6.4 s across a minute's boundary (10 a minute): {admitted}")
    assert admitted == 11  # the bucket's 10, and the one token refilled after 6 s


def test_a_refused_reservation_counts_nothing_on_any_key(limiter, dynamodb):
    for _ in range(5):
        limiter.reserve([Limit("pair", 5, 900)])
    decision = limiter.reserve([Limit("pair", 5, 900), Limit("address", 20, 900)])
    assert not decision.allowed and decision.retry_after > 0
    assert not [i for i in dynamodb.scan(TableName=RATE_LIMIT_TABLE)["Items"] if i["key"]["S"] == "address"]


def test_released_attempts_are_given_back(limiter):
    for _ in range(10):
        assert limiter.reserve([Limit("ok", 2, 900)]).allowed
        limiter.release([Limit("ok", 2, 900)])


def test_a_wrong_guess_of_a_buckets_state_is_corrected(dynamodb, clock):
    """Two containers share a bucket; each one's guess of it is stale after the other's writes."""
    first, second = (DynamoRateLimiter(dynamodb, RATE_LIMIT_TABLE, now=lambda: clock["now"]) for _ in range(2))
    assert first.reserve([Limit("shared", 2, 60)]).allowed  # first now guesses "busy"
    assert second.reserve([Limit("shared", 2, 60)]).allowed  # second guessed "idle": corrected, then taken
    assert not first.reserve([Limit("shared", 2, 60)]).allowed
    clock["now"] += 3600
    assert first.reserve([Limit("shared", 2, 60)]).allowed  # guessed "busy", it was idle


def test_a_limit_of_zero_allows_nothing(limiter):
    assert not limiter.reserve([Limit("zero", 0, 3600)]).allowed


def test_parallel_reservations_never_pass_the_ceiling(limiter):
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        decisions = list(pool.map(lambda _: limiter.reserve([Limit("race", 5, 900)]), range(40)))
    assert sum(d.allowed for d in decisions) == 5


def test_windows_expire_through_the_tables_ttl(limiter, dynamodb, clock):
    limiter.reserve([Limit("ttl", 1, 60)])
    [item] = [i for i in dynamodb.scan(TableName=RATE_LIMIT_TABLE)["Items"] if i["key"]["S"] == "ttl"]
    assert int(item["expires_at"]["N"]) == int(clock["now"]) + 60  # by then the bucket is full again
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
