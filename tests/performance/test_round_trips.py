"""Round trips per request, counted (not estimated); a regression fails `make test`.

A signed-in request runs no statement of its own to check its token: whether the user still exists and the
token's family was not logged out rides on the statements the request runs anyway (adapters/postgres/rows.py).
"""

import pytest

from calls_platform import bootstrap
from tests.functions.test_call_endpoints import CHROMIUM_ANSWER
from tests.support.function_needs import NEEDS
from tests.support.recording import recording

NUMBER = "+491512345678"


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


def floor_makes(function: str, counts: dict[str, int]) -> None:
    """`make bench`'s floor for the function makes as many DynamoDB round trips as the function does."""
    assert NEEDS[function].dynamodb == sum(n for name, n in counts.items() if name.startswith("dynamodb.")), counts


def test_register_is_one_statement_and_the_address_limit(endpoint, warm):
    counts, _ = counted(
        warm,
        lambda: endpoint("register").call(
            "POST", "/api/auth/register", {"email": "rt@example.com", "password": "password123"}
        ),
    )
    # The user, then its verification token; the address limit; the verification email.
    assert counts == {"postgres": 2, "dynamodb.TransactWriteItems": 1, "sesv2.SendEmail": 1}
    floor_makes("register", counts)


def test_login_is_one_statement_and_the_limit_reserved_then_given_back(endpoint, user, warm):
    counts, _ = counted(
        warm,
        lambda: endpoint("login").call(
            "POST", "/api/auth/login", {"email": user["email"], "password": user["password"]}
        ),
    )
    # The attempt is counted before the password is checked (atomically), and given back once it succeeds; the
    # account is read, then its new token family noted (so that a password change can end it).
    assert counts == {"postgres": 2, "dynamodb.TransactWriteItems": 2}
    floor_makes("login", counts)


def test_initiate_is_one_statement_and_the_session_write(endpoint, user, warm):
    counts, _ = counted(
        warm,
        lambda: endpoint("initiate_call").call(
            "POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"]
        ),
    )
    # One statement records the call within every limit (live calls, daily minutes, the user's existence)
    # before dialling; the provider's id, known only after dialling, goes into the session item written then
    # (status callbacks name the call and store the id on it). Before either, the hour's attempts are counted
    # (one conditional write: parallel initiates cannot all slip under the ceiling).
    assert counts == {"postgres": 1, "dynamodb.PutItem": 1, "dynamodb.TransactWriteItems": 1}
    floor_makes("initiate_call", counts)


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
    assert counts["postgres"] == 1
    assert counts["dynamodb.PutItem"] == 2  # the session and the idempotency record
    assert counts["dynamodb.UpdateItem"] == 1  # the record's completion


def test_terminate_is_one_statement_and_one_delete(endpoint, user, warm):
    call = endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"])
    counts, _ = counted(
        warm,
        lambda: endpoint("terminate_call").call(
            "POST", "/api/calls/terminate", {"call_id": call.json["call_id"]}, token=user["token"]
        ),
    )
    # The delete hands back the provider's id (ReturnValues=ALL_OLD) for the hang-up: no read before it.
    assert counts == {"postgres": 1, "dynamodb.DeleteItem": 1}
    floor_makes("terminate_call", counts)


def test_history_is_one_statement(endpoint, user, warm):
    counts, _ = counted(warm, lambda: endpoint("call_history").call("GET", "/api/calls/history", token=user["token"]))
    assert counts == {"postgres": 1}


def test_a_call_is_one_statement_and_a_live_ones_poll_one_heartbeat_write(endpoint, user, warm):
    call = endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"])
    path = f"/api/calls/{call.json['call_id']}"
    counts, _ = counted(warm, lambda: endpoint("get_call").call("GET", path, token=user["token"]))
    # The page polls its live call about once a second: each poll is its heartbeat, one conditional write to
    # the session item in DynamoDB (never a Postgres write a second).
    assert counts == {"postgres": 1, "dynamodb.UpdateItem": 1}
    floor_makes("get_call", counts)  # the bench's get_call polls a live call
    endpoint("terminate_call").call(
        "POST", "/api/calls/terminate", {"call_id": call.json["call_id"]}, token=user["token"]
    )
    counts, _ = counted(warm, lambda: endpoint("get_call").call("GET", path, token=user["token"]))
    assert counts == {"postgres": 1}  # an ended call has no heartbeat


def test_live_calls_and_contacts_are_one_statement_each(endpoint, user, warm):
    counts, _ = counted(warm, lambda: endpoint("live_calls").call("GET", "/api/calls/live", token=user["token"]))
    assert counts == {"postgres": 1}
    body = {"name": "Anna", "phone_number": NUMBER}
    counts, created = counted(
        warm, lambda: endpoint("create_contact").call("POST", "/api/contacts", body, token=user["token"])
    )
    assert counts == {"postgres": 1}  # the cap, the number's uniqueness and the caller's check in one statement
    path = f"/api/contacts/{created.json['contact_id']}"
    for method, route, target, payload in (
        ("GET", "list_contacts", "/api/contacts", None),
        ("PATCH", "update_contact", path, {"name": "Anna S."}),
        ("DELETE", "delete_contact", path, None),
    ):

        def send(method=method, route=route, target=target, payload=payload):
            return endpoint(route).call(method, target, payload, token=user["token"])

        counts, _ = counted(warm, send)
        assert counts == {"postgres": 1}, route


def test_history_with_a_search_is_one_statement(endpoint, user, warm):
    counts, _ = counted(
        warm, lambda: endpoint("call_history").call("GET", "/api/calls/history?q=anna", token=user["token"])
    )
    assert counts == {"postgres": 1}


def test_answer_is_two_statements_the_read_and_the_locked_write(endpoint, user, warm):
    call = endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"])
    body = {"call_id": call.json["call_id"], "sdp_answer": CHROMIUM_ANSWER}
    counts, _ = counted(
        warm, lambda: endpoint("answer_call").call("POST", "/api/calls/answer", body, token=user["token"])
    )
    # The offer is read to check the answer against it; the answer is stored by one locking statement.
    assert counts == {"postgres": 2}


def test_the_mock_voice_token_is_no_statement(endpoint, user, warm):
    # No provider token to hand out, so nothing to check (in Twilio mode: one statement, the caller's check).
    counts, response = counted(
        warm, lambda: endpoint("voice_token").call("GET", "/api/voice/token", token=user["token"])
    )
    assert counts == {"postgres": 0} and response.json["voice_token"] is None


def test_no_secret_or_config_fetch_after_the_first_request(endpoint, user, warm):
    counts, _ = counted(warm, lambda: endpoint("call_history").call("GET", "/api/calls/history", token=user["token"]))
    assert not any(key.startswith("secretsmanager.") for key in counts)
