"""Tokens, refresh rotation, brute force and spending limits, through the functions' own apps."""

import statistics
import time

import jwt

from tests.conftest import TEST_JWT_SECRET, assert_error


def login(endpoint, email, password):
    return endpoint("login").call("POST", "/api/auth/login", {"email": email, "password": password})


def refresh(endpoint, token):
    return endpoint("refresh").call("POST", "/api/auth/refresh", {"refresh_token": token})


def test_refresh_rotates_and_each_refresh_token_works_once(endpoint, user):
    first = login(endpoint, user["email"], user["password"]).json
    second = refresh(endpoint, first["refresh_token"])
    assert second.status_code == 200 and second.json["refresh_token"] != first["refresh_token"]
    assert (
        endpoint("call_history").call("GET", "/api/calls/history", token=second.json["access_token"]).status_code == 200
    )
    assert refresh(endpoint, second.json["refresh_token"]).status_code == 200


def test_reusing_a_spent_refresh_token_revokes_the_whole_family(endpoint, user, db):
    first = login(endpoint, user["email"], user["password"]).json
    second = refresh(endpoint, first["refresh_token"]).json
    assert_error(refresh(endpoint, first["refresh_token"]), 401, "unauthorized")  # a stolen copy shows up
    assert_error(refresh(endpoint, second["refresh_token"]), 401, "unauthorized")  # the thief's line is cut too
    assert db.run("SELECT reason FROM revoked_token_families") == [["reuse"]]
    stored = db.run("SELECT token_hash FROM refresh_token_uses")
    assert stored and all(first["refresh_token"] not in row[0] for row in stored)  # only hashes are kept


def test_logout_revokes_the_family(endpoint, user):
    tokens = login(endpoint, user["email"], user["password"]).json
    out = endpoint("logout").call("POST", "/api/auth/logout", {"refresh_token": tokens["refresh_token"]})
    assert out.status_code == 200
    assert_error(refresh(endpoint, tokens["refresh_token"]), 401, "unauthorized")


def test_tokens_of_one_kind_are_refused_as_the_other(endpoint, user):
    tokens = login(endpoint, user["email"], user["password"]).json
    history = endpoint("call_history").call("GET", "/api/calls/history", token=tokens["refresh_token"])
    assert_error(history, 401, "unauthorized")
    assert_error(refresh(endpoint, tokens["access_token"]), 401, "unauthorized")
    assert_error(refresh(endpoint, "not-a-token"), 401, "unauthorized")
    assert_error(endpoint("refresh").call("POST", "/api/auth/refresh", {}), 401, "unauthorized")


def test_a_token_for_a_deleted_user_is_401(endpoint, user, db):
    token = user["token"]
    db.run("DELETE FROM users")
    for name, method, path, body in [
        ("call_history", "GET", "/api/calls/history", None),
        ("initiate_call", "POST", "/api/calls/initiate", {"phone_number": "+491512345678"}),
    ]:
        assert_error(endpoint(name).call(method, path, body, token=token), 401, "unauthorized")
    assert db.run("SELECT count(*) FROM calls") == [[0]]


def test_forged_tokens_are_401(endpoint, user):
    claims = jwt.decode(user["token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "x" * 40, algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    for token in (forged, unsigned, user["token"][:-2] + "xx"):
        assert_error(endpoint("call_history").call("GET", "/api/calls/history", token=token), 401, "unauthorized")
    resigned = jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")  # sanity: the real key works
    assert endpoint("call_history").call("GET", "/api/calls/history", token=resigned).status_code == 200


def test_failed_logins_are_limited_per_account_with_retry_after(endpoint, user):
    for _ in range(5):
        assert_error(login(endpoint, user["email"], "wrong-password"), 401, "invalid_credentials")
    blocked = login(endpoint, user["email"], user["password"])  # even the right password, for this window
    assert_error(blocked, 429, "too_many_requests")
    assert 0 < int(blocked.headers["Retry-After"]) <= 900
    endpoint("register").call("POST", "/api/auth/register", {"email": "other@example.com", "password": "password123"})
    assert login(endpoint, "other@example.com", "password123").status_code == 200  # others are not locked out


def test_failed_logins_are_limited_per_client_address(endpoint, user):
    for i in range(20):
        login(endpoint, f"nobody{i}@example.com", "wrong-password")
    assert_error(login(endpoint, user["email"], user["password"]), 429, "too_many_requests")


def test_unknown_emails_take_as_long_as_wrong_passwords(endpoint, user):
    def timed(email):
        started = time.perf_counter()
        login(endpoint, email, "wrong-password")
        return time.perf_counter() - started

    samples_unknown, samples_wrong = [], []
    for i in range(4):  # under the per-account limit for the real account
        samples_unknown.append(timed(f"ghost{i}@example.com"))
        samples_wrong.append(timed(user["email"]))
    ratio = statistics.median(samples_unknown) / statistics.median(samples_wrong)
    assert 0.6 < ratio < 1.6, (samples_unknown, samples_wrong)
