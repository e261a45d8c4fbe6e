"""Hostile input gets a clear 4xx JSON error, never a 500, and leaves nothing behind."""

import json

import pytest
import requests

from tests.conftest import assert_error

NUMBER = "+491512345678"


@pytest.mark.parametrize(
    "email",
    [
        "zero\u200bwidth@example.com",
        "rtl@exa\u202emple.com",
        "tab\t@example.com",
        "nul\x00@example.com",
        "a" * 250 + "@example.com",
        "x'); DROP TABLE users;--",
        "\ufeffbom@example.com",
    ],
    ids=["zero-width", "rtl-override", "tab", "nul", "too-long", "sql", "bom"],
)
def test_unicode_and_injection_tricks_in_email_are_400(endpoint, db, email):
    response = endpoint("register").call("POST", "/api/auth/register", {"email": email, "password": "password123"})
    assert_error(response, 400, "validation_error")
    assert db.run("SELECT count(*) FROM users") == [[0]]


def test_sql_in_a_valid_looking_email_is_just_data(endpoint, db):
    email = "o'brien+x@example.com"
    assert (
        endpoint("register").call("POST", "/api/auth/register", {"email": email, "password": "password123"}).status_code
        == 201
    )
    assert db.run("SELECT email FROM users") == [[email]]


@pytest.mark.parametrize(
    "number",
    [
        "+\uff14\uff19\uff11\uff15\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",
        NUMBER + "\u200b",
        "\u202e" + NUMBER,
        "+49151234567' OR '1'='1",
        1e300,
        10**100,
        -1,
        None,
        {"$ne": 1},
    ],
    ids=["fullwidth", "zero-width", "rtl", "sql", "float", "huge-int", "negative", "null", "object"],
)
def test_tricky_phone_numbers_are_400(endpoint, user, db, number):
    response = endpoint("initiate_call").call(
        "POST", "/api/calls/initiate", {"phone_number": number}, token=user["token"]
    )
    assert_error(response, 400, "validation_error")
    assert db.run("SELECT count(*) FROM calls") == [[0]]


@pytest.mark.parametrize(
    "query",
    [
        "cursor=' OR 1=1--",
        "status=completed' OR '1'='1",
        "limit=1;DROP TABLE calls",
        "limit=99999999999999999999",
        "cursor=" + "A" * 5000,
    ],
)
def test_injection_in_query_parameters_is_400(endpoint, user, db, query):
    response = endpoint("call_history").call("GET", f"/api/calls/history?{query}", token=user["token"])
    assert_error(response, 400, "validation_error")
    assert db.run("SELECT count(*) FROM calls") == [[0]]


@pytest.mark.parametrize("call_id", ["1' OR '1'='1", "00000000-0000-0000-0000-00000000000g", 12, ["x"], "A" * 10_000])
def test_tricky_call_ids_are_400(endpoint, user, call_id):
    response = endpoint("terminate_call").call(
        "POST", "/api/calls/terminate", {"call_id": call_id}, token=user["token"]
    )
    assert_error(response, 400, "validation_error")


def test_header_injection_in_the_idempotency_key_is_400(endpoint, user):
    response = endpoint("initiate_call").call(
        "POST",
        "/api/calls/initiate",
        {"phone_number": NUMBER},
        token=user["token"],
        headers={"Idempotency-Key": "abc\r\nSet-Cookie: x=1"},
    )
    assert_error(response, 400, "validation_error", "Idempotency-Key")


def test_an_absurd_authorization_header_is_401(endpoint):
    response = endpoint("call_history").call(
        "GET", "/api/calls/history", headers={"Authorization": "Bearer " + "a" * 20_000}
    )
    assert_error(response, 401, "unauthorized")


def test_over_http_oversized_wrong_type_and_broken_bodies(base_url):
    url = f"{base_url}/api/auth/register"
    big = requests.post(
        url, data=json.dumps({"email": "x" * 200_000}), headers={"Content-Type": "application/json"}, timeout=10
    )
    assert big.status_code == 413 and big.json()["error"] == "payload_too_large"
    xml = requests.post(url, data="<a/>", headers={"Content-Type": "application/xml"}, timeout=10)
    assert xml.status_code == 415 and xml.json()["error"] == "unsupported_media_type"
    broken = requests.post(url, data=b"\xff\xfe{", headers={"Content-Type": "application/json"}, timeout=10)
    assert broken.status_code == 400 and broken.json()["error"] == "validation_error"
    trace = requests.request("TRACE", url, timeout=10)
    assert trace.status_code == 405 and trace.json()["error"] == "method_not_allowed"
