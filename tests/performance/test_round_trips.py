"""Round trips per request, counted (not estimated); a regression fails `make test`.

Every signed-in request runs one statement more than its own: whether its token's family was logged out
(logout revokes the access tokens too, not only the refresh token).
"""

import pytest

from calls_platform import bootstrap
from tests.support.recording import recording

NUMBER = "+491512345678"
SIGNED_IN = 1  # the logout check of the access token's family


@pytest.fixture
def warm(endpoint, user):
    """A container that has served each function once (secrets cached, connection open, clients made)."""
    call = endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"])
    endpoint("terminate_call").call(
        "POST", "/api/calls/terminate", {"call_id": call.json["call_id"]}, token=user["token"]
    )
    endpoint("call_history").call("GET", "/api/calls/history", token=user["token"])
    return bootstrap.container()


def counted(container, request):
    with recording(container) as recorder:
        response = request()
    assert response.status_code < 300, response.body
    return recorder.count(), response


def test_register_is_one_statement_and_the_address_limit(endpoint, warm):
    counts, _ = counted(
        warm,
        lambda: endpoint("register").call(
            "POST", "/api/auth/register", {"email": "rt@example.com", "password": "password123"}
        ),
    )
    assert counts == {"postgres": 1, "dynamodb.TransactWriteItems": 1}  # registrations per address


def test_login_is_one_statement_and_the_limit_reserved_then_given_back(endpoint, user, warm):
    counts, _ = counted(
        warm,
        lambda: endpoint("login").call(
            "POST", "/api/auth/login", {"email": user["email"], "password": user["password"]}
        ),
    )
    # The attempt is counted before the password is checked (atomically), and given back once it succeeds.
    assert counts == {"postgres": 1, "dynamodb.TransactWriteItems": 2}


def test_initiate_is_two_statements_the_logout_check_and_the_session_write(endpoint, user, warm):
    counts, _ = counted(
        warm,
        lambda: endpoint("initiate_call").call(
            "POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"]
        ),
    )
    # One statement records the call within every limit (live calls, daily minutes, the user's existence)
    # before dialling; a second records the provider's id, which exists only after dialling.
    assert counts == {"postgres": 2 + SIGNED_IN, "dynamodb.PutItem": 1}


def test_initiate_with_an_idempotency_key_adds_only_the_idempotency_record(endpoint, user, warm):
    counts, _ = counted(
        warm,
        lambda: endpoint("initiate_call").call(
            "POST",
            "/api/calls/initiate",
            {"phone_number": NUMBER},
            token=user["token"],
            headers={"Idempotency-Key": "k1"},
        ),
    )
    assert counts["postgres"] == 2 + SIGNED_IN
    assert counts["dynamodb.PutItem"] == 2  # the session and the idempotency record
    assert counts["dynamodb.UpdateItem"] == 1  # the record's completion


def test_terminate_is_one_statement_the_logout_check_and_one_delete(endpoint, user, warm):
    call = endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"])
    counts, _ = counted(
        warm,
        lambda: endpoint("terminate_call").call(
            "POST", "/api/calls/terminate", {"call_id": call.json["call_id"]}, token=user["token"]
        ),
    )
    assert counts == {"postgres": 1 + SIGNED_IN, "dynamodb.DeleteItem": 1}


def test_history_is_one_statement_and_the_logout_check(endpoint, user, warm):
    counts, _ = counted(warm, lambda: endpoint("call_history").call("GET", "/api/calls/history", token=user["token"]))
    assert counts == {"postgres": 1 + SIGNED_IN}


def test_no_secret_or_config_fetch_after_the_first_request(endpoint, user, warm):
    counts, _ = counted(warm, lambda: endpoint("call_history").call("GET", "/api/calls/history", token=user["token"]))
    assert not any(key.startswith("secretsmanager.") for key in counts)
