"""Sign-up and login through their functions' own Chalice apps (chalice.test.Client): answers and errors."""

import re

import pytest

from tests.conftest import assert_error

RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def test_register_answers_201_with_the_user(endpoint):
    response = endpoint("register").call(
        "POST", "/api/auth/register", {"email": " Ann@Example.com ", "password": "password123"}
    )
    assert response.status_code == 201
    assert set(response.json) == {"user_id", "email", "created_at"}
    assert response.json["email"] == "Ann@Example.com"
    assert RFC3339_UTC.fullmatch(response.json["created_at"])


def test_same_email_in_other_case_is_409(endpoint):
    endpoint("register").call("POST", "/api/auth/register", {"email": "ben@example.com", "password": "password123"})
    again = endpoint("register").call(
        "POST", "/api/auth/register", {"email": "BEN@example.com ", "password": "password456"}
    )
    assert_error(again, 409, "user_already_exists")


@pytest.mark.parametrize(
    "body, message",
    [
        ({"password": "password123"}, "email is required"),
        ({"email": "c@example.com"}, "password is required"),
        ({"email": "c@example.com", "password": "short"}, "at least 8"),
        ({"email": "not-an-email", "password": "password123"}, "valid address"),
        ({"email": ["c@example.com"], "password": "password123"}, "must be a string"),
    ],
)
def test_register_validation(endpoint, body, message):
    assert_error(endpoint("register").call("POST", "/api/auth/register", body), 400, "validation_error", message)


@pytest.mark.parametrize(
    "raw, headers, status, error_type",
    [
        ("{not json", {}, 400, "validation_error"),
        ("[1, 2]", {}, 400, "validation_error"),
        ("", {}, 400, "validation_error"),
        ('{"email": NaN}', {}, 400, "validation_error"),
        ('{"email": "x@example.com"}', {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
        ("{" + '"a": "' + "x" * 70_000 + '"}', {}, 413, "payload_too_large"),
        ('{"n": ' + "9" * 5000 + "}", {}, 400, "validation_error"),
        ("[" * 100_000, {}, 413, "payload_too_large"),
        ("[" * 60_000, {}, 400, "validation_error"),
    ],
    ids=["syntax", "array", "empty", "nan", "content-type", "oversized", "huge-number", "deep-big", "deep"],
)
def test_malformed_bodies_get_clear_4xx(endpoint, raw, headers, status, error_type):
    response = endpoint("register").call("POST", "/api/auth/register", raw=raw, headers=headers)
    assert_error(response, status, error_type)


def test_login_returns_a_bearer_token(endpoint, user):
    response = endpoint("login").call(
        "POST", "/api/auth/login", {"email": user["email"].upper(), "password": user["password"]}
    )
    assert response.status_code == 200
    assert set(response.json) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert response.json["token_type"] == "Bearer" and response.json["expires_in"] > 0


def test_unknown_email_and_wrong_password_get_the_same_401(endpoint, user):
    unknown = endpoint("login").call(
        "POST", "/api/auth/login", {"email": "ghost@example.com", "password": "password123"}
    )
    wrong = endpoint("login").call("POST", "/api/auth/login", {"email": user["email"], "password": "wrong-password"})
    assert_error(unknown, 401, "invalid_credentials")
    assert unknown.json == wrong.json


def test_wrong_method_has_the_error_shape(endpoint):
    response = endpoint("login").call("GET", "/api/auth/login")
    assert_error(response, 405, "method_not_allowed")


def test_answers_name_the_deployed_page_as_the_one_origin_allowed_to_read_them(endpoint, monkeypatch):
    same_origin = endpoint("login").call("POST", "/api/auth/login", {"email": "x@example.com", "password": "p"})
    assert "Access-Control-Allow-Origin" not in same_origin.headers  # locally the page is the API's origin

    monkeypatch.setenv("ALLOWED_ORIGIN", "https://d111111abcdef8.cloudfront.net")
    refused = endpoint("login").call("POST", "/api/auth/login", {"email": "x@example.com", "password": "password1"})
    assert refused.status_code == 401
    assert refused.headers["Access-Control-Allow-Origin"] == "https://d111111abcdef8.cloudfront.net"
    assert refused.headers["Vary"] == "Origin"
    assert refused.headers["Access-Control-Expose-Headers"] == "Retry-After"  # the page reads when to retry
    created = endpoint("register").call(
        "POST", "/api/auth/register", {"email": "c@example.com", "password": "password1"}
    )
    assert created.headers["Access-Control-Allow-Origin"] == "https://d111111abcdef8.cloudfront.net"
