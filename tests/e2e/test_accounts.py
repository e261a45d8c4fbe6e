"""The account lifecycle end to end over HTTP through the local gateway (each request in its own worker, as on
Lambda), with the emails read back from moto's SES: verify, reset, change, delete, export (docs/accounts.md)."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import random
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import unique_email
from tests.support.emails import code_in, last, sent_to, token_in

PASSWORD = "password123"
NUMBER = "+4915123456789"


def post(base_url, path, body=None, token=None, headers=None, method="POST"):
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    return requests.request(method, base_url + path, data=json.dumps(body) if body is not None else None, headers=sent)


def get(base_url, path, token):
    return requests.get(base_url + path, headers={"Authorization": f"Bearer {token}"})


def sign_up(base_url, email=None, headers=None):
    email = email or unique_email()
    response = post(base_url, "/api/auth/register", {"email": email, "password": PASSWORD}, headers=headers)
    assert response.status_code == 201, response.text
    return email


def login(base_url, email, password=PASSWORD):
    response = post(base_url, "/api/auth/login", {"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def assert_refused(response, status, error):
    assert response.status_code == status, response.text
    assert response.json()["error"] == error, response.text


def test_sign_up_sends_a_link_that_verifies_the_email_once(base_url):
    email = sign_up(base_url)
    message = last(email)
    assert message.subject == "Confirm your email address"
    assert message.source == "no-reply@calls.localhost"
    token = token_in(message, "verify")
    page = os.environ["PUBLIC_BASE_URL"]  # the page the gateway serves (PAGE_URL when the page is elsewhere)
    assert f"{page}/#verify={token}" in message.body  # in the fragment: never sent to a server
    access = login(base_url, email)["access_token"]
    account = get(base_url, "/api/account", access).json()
    assert account["email"] == email and account["email_verified"] is False
    assert account["minutes_left_today"] == 120 and account["created_at"].endswith("Z")

    assert post(base_url, "/api/auth/verify-email", {"token": token}).json() == {"email_verified": True}
    assert get(base_url, "/api/account", access).json()["email_verified"] is True
    assert_refused(post(base_url, "/api/auth/verify-email", {"token": token}), 400, "invalid_token")  # used
    resent = post(base_url, "/api/auth/verify-email/resend", token=access)
    assert resent.status_code == 200 and resent.json() == {"status": "already_verified"}
    assert len(sent_to(email)) == 1


def test_emails_speak_the_request_language(base_url):
    email = sign_up(base_url, headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert last(email).subject == "Подтвердите адрес электронной почты"
    access = login(base_url, email)["access_token"]
    assert post(base_url, "/api/auth/verify-email/resend", token=access).status_code == 202
    assert last(email).subject == "Confirm your email address"  # no Accept-Language: English
    post(base_url, "/api/auth/password-reset", {"email": email, "language": "ru"}, headers={"Accept-Language": "en"})
    assert last(email).subject == "Сброс пароля"  # the explicit field wins
    assert_refused(
        post(base_url, "/api/auth/password-reset", {"email": email, "language": "de"}), 400, "validation_error"
    )


def test_resending_is_limited_per_account_with_retry_after(base_url):
    access = login(base_url, sign_up(base_url))["access_token"]
    answers = [post(base_url, "/api/auth/verify-email/resend", token=access) for _ in range(6)]
    assert [a.status_code for a in answers] == [202] * 5 + [429]
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_password_reset_sets_the_password_and_ends_every_session(base_url, db):
    email = sign_up(base_url)
    sessions = [login(base_url, email), login(base_url, email)]
    answer = post(base_url, "/api/auth/password-reset", {"email": email})
    assert answer.status_code == 202
    token = token_in(last(email), "reset")
    confirmed = post(base_url, "/api/auth/password-reset/confirm", {"token": token, "password": "a new passphrase"})
    assert confirmed.status_code == 200, confirmed.text
    for session in sessions:  # every family revoked: access and refresh tokens alike
        assert_refused(get(base_url, "/api/account", session["access_token"]), 401, "unauthorized")
        refreshed = post(base_url, "/api/auth/refresh", {"refresh_token": session["refresh_token"]})
        assert_refused(refreshed, 401, "unauthorized")
    assert_refused(
        post(base_url, "/api/auth/login", {"email": email, "password": PASSWORD}), 401, "invalid_credentials"
    )
    login(base_url, email, "a new passphrase")
    again = post(base_url, "/api/auth/password-reset/confirm", {"token": token, "password": "another passphrase"})
    assert_refused(again, 400, "invalid_token")  # single use
    lifetimes = dict(
        db.run("SELECT purpose, max(extract(epoch FROM expires_at - created_at)) FROM account_tokens GROUP BY 1")
    )
    assert lifetimes["password_reset"] <= 30 * 60 and lifetimes["verify_email"] <= 24 * 3600
    assert db.run("SELECT count(*) FROM account_tokens WHERE token_hash = :t", t=token) == [[0]]  # hashes only


def test_the_new_password_follows_the_sign_up_rules(base_url):
    email = sign_up(base_url)
    post(base_url, "/api/auth/password-reset", {"email": email})
    token = token_in(last(email), "reset")
    short = post(base_url, "/api/auth/password-reset/confirm", {"token": token, "password": "short"})
    assert_refused(short, 400, "validation_error")
    assert post(base_url, "/api/auth/password-reset/confirm", {"token": token, "password": "long enough"}).ok


def test_the_answer_is_the_same_for_an_address_without_an_account(base_url):
    email = sign_up(base_url)
    known = post(base_url, "/api/auth/password-reset", {"email": email})
    unknown_address = unique_email()
    unknown = post(base_url, "/api/auth/password-reset", {"email": unknown_address})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert len(sent_to(email)) == 2 and sent_to(unknown_address) == []  # a link only where there is an account


def test_tokens_are_tied_to_the_password_they_were_issued_under(base_url):
    email = sign_up(base_url)
    verify_token = token_in(last(email), "verify")
    post(base_url, "/api/auth/password-reset", {"email": email})
    first = token_in(last(email), "reset")
    post(base_url, "/api/auth/password-reset", {"email": email})
    second = token_in(last(email), "reset")
    assert post(base_url, "/api/auth/password-reset/confirm", {"token": second, "password": "passphrase two"}).ok
    # Issued before the password changed: no longer good, though unused and unexpired.
    assert_refused(
        post(base_url, "/api/auth/password-reset/confirm", {"token": first, "password": "x" * 12}), 400, "invalid_token"
    )
    assert_refused(post(base_url, "/api/auth/verify-email", {"token": verify_token}), 400, "invalid_token")


def test_expired_tampered_misspelt_and_other_purpose_tokens_are_refused(base_url, db):
    email = sign_up(base_url)
    verify_token = token_in(last(email), "verify")
    post(base_url, "/api/auth/password-reset", {"email": email})
    reset = token_in(last(email), "reset")
    confirm = "/api/auth/password-reset/confirm"
    tampered = reset[:-1] + ("A" if reset[-1] != "A" else "B")
    for spelling in (
        tampered,
        reset + "=",
        " " + reset,
        reset.upper() if reset.upper() != reset else reset[1:],
        reset + "A",
    ):
        assert_refused(post(base_url, confirm, {"token": spelling, "password": "new password"}), 400, "invalid_token")
    assert_refused(post(base_url, confirm, {"token": 12345, "password": "new password"}), 400, "validation_error")
    # One account's verification token is no reset token (and the reverse).
    assert_refused(post(base_url, confirm, {"token": verify_token, "password": "new password"}), 400, "invalid_token")
    assert_refused(post(base_url, "/api/auth/verify-email", {"token": reset}), 400, "invalid_token")
    db.run("UPDATE account_tokens SET expires_at = now() - interval '1 second'")
    assert_refused(post(base_url, confirm, {"token": reset, "password": "new password"}), 400, "invalid_token")
    assert_refused(post(base_url, "/api/auth/verify-email", {"token": verify_token}), 400, "invalid_token")
    login(base_url, email)  # nothing refused changed the password


def test_another_accounts_reset_token_changes_only_that_account(base_url):
    mine, theirs = sign_up(base_url), sign_up(base_url)
    post(base_url, "/api/auth/password-reset", {"email": theirs})
    token = token_in(last(theirs), "reset")
    assert post(base_url, "/api/auth/password-reset/confirm", {"token": token, "password": "theirs now"}).ok
    login(base_url, mine)  # untouched
    login(base_url, theirs, "theirs now")


def test_parallel_confirms_of_one_token_exactly_one_wins(base_url):
    email = sign_up(base_url)
    post(base_url, "/api/auth/password-reset", {"email": email})
    token = token_in(last(email), "reset")

    def confirm(i):
        body = {"token": token, "password": f"parallel password {i}"}
        return post(base_url, "/api/auth/password-reset/confirm", body).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(confirm, range(8)))
    assert sorted(statuses) == [200] + [400] * 7
    winner = statuses.index(200)
    login(base_url, email, f"parallel password {winner}")


def test_parallel_verifications_of_one_token_exactly_one_wins(base_url):
    email = sign_up(base_url)
    token = token_in(last(email), "verify")
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda _: post(base_url, "/api/auth/verify-email", {"token": token}).status_code, range(8))
        )
    assert sorted(statuses) == [200] + [400] * 7


def test_changing_the_password_ends_every_other_session_and_tells_the_owner(base_url):
    email = sign_up(base_url)
    mine, other = login(base_url, email), login(base_url, email)
    wrong = {"current_password": "not my password", "new_password": "a new passphrase"}
    assert_refused(post(base_url, "/api/auth/password", wrong, token=mine["access_token"]), 401, "invalid_credentials")
    body = {"current_password": PASSWORD, "new_password": "a new passphrase", "language": "ru"}
    assert post(base_url, "/api/auth/password", body, token=mine["access_token"]).json() == {"password_changed": True}
    assert get(base_url, "/api/account", mine["access_token"]).status_code == 200  # this session goes on
    assert post(base_url, "/api/auth/refresh", {"refresh_token": mine["refresh_token"]}).status_code == 200
    assert_refused(get(base_url, "/api/account", other["access_token"]), 401, "unauthorized")
    assert_refused(post(base_url, "/api/auth/refresh", {"refresh_token": other["refresh_token"]}), 401, "unauthorized")
    assert last(email).subject == "Ваш пароль изменён"
    login(base_url, email, "a new passphrase")


def test_deleting_the_account_hangs_up_its_live_call_and_frees_the_address(base_url, db, dynamodb):
    from tests.conftest import session_ids

    email = sign_up(base_url)
    access = login(base_url, email)["access_token"]
    ended = post(base_url, "/api/calls/initiate", {"phone_number": NUMBER}, token=access).json()
    post(base_url, "/api/calls/terminate", {"call_id": ended["call_id"]}, token=access)
    live = post(base_url, "/api/calls/initiate", {"phone_number": NUMBER}, token=access).json()
    assert live["session_id"] in session_ids(dynamodb)
    assert_refused(
        post(base_url, "/api/account", {"password": "wrong one"}, token=access, method="DELETE"),
        401,
        "invalid_credentials",
    )
    [[usage_before]] = db.run("SELECT count(*) FROM deleted_account_usage")  # other tests delete accounts too
    deleted = post(base_url, "/api/account", {"password": PASSWORD}, token=access, method="DELETE")
    assert deleted.json() == {"deleted": True}
    assert live["session_id"] not in session_ids(dynamodb)  # hung up through the terminate path
    assert db.run("SELECT count(*) FROM users WHERE email_key = :k", k=email) == [[0]]
    calls = [ended["call_id"], live["call_id"]]
    assert db.run("SELECT count(*) FROM calls WHERE call_id::text = ANY(:ids)", ids=calls) == [[0]]
    # seconds per day, nothing else
    assert db.run("SELECT count(*) FROM deleted_account_usage") == [[usage_before + 1]]
    assert_refused(get(base_url, "/api/account", access), 401, "unauthorized")
    sign_up(base_url, email)  # the address can sign up again


def test_export_is_the_whole_history_as_csv(base_url):
    access = login(base_url, sign_up(base_url))["access_token"]
    ids = []
    for _ in range(3):
        call = post(base_url, "/api/calls/initiate", {"phone_number": NUMBER}, token=access).json()
        post(base_url, "/api/calls/terminate", {"call_id": call["call_id"]}, token=access)
        ids.append(call["call_id"])
    answer = get(base_url, "/api/calls/export", access)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="calls.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert [r["call_id"] for r in rows] == ids[::-1]  # newest first
    assert all(r["phone_number"] == NUMBER and r["start_time"].endswith("Z") for r in rows)
    assert rows[0]["status"] == "completed" and rows[0]["end_reason"] == "caller_hung_up"
    assert answer.content.decode().splitlines()[0] == (
        "call_id,phone_number,status,start_time,answer_time,end_time,duration,end_reason"
    )
    assert_refused(requests.get(base_url + "/api/calls/export"), 401, "unauthorized")


def test_many_failed_logins_need_an_emailed_code_from_a_new_address_only(base_url, db):
    email = sign_up(base_url)
    login(base_url, email)  # 127.0.0.1 is now one of the owner's usual addresses
    for _ in range(3):
        post(base_url, "/api/auth/login", {"email": email, "password": "wrong guess"})
    assert db.run("SELECT failed_logins FROM users WHERE email_key = :k", k=email) == [[3]]
    login(base_url, email)
    assert db.run("SELECT failed_logins FROM users WHERE email_key = :k", k=email) == [[0]]  # consecutive only

    db.run("UPDATE users SET failed_logins = 100 WHERE email_key = :k", k=email)
    login(base_url, email)  # the usual address is not held up (and its success ends the streak)
    db.run("UPDATE users SET failed_logins = 100 WHERE email_key = :k", k=email)
    new_place = "127.0.0.9"
    wrong = from_address(base_url, new_place, {"email": email, "password": "wrong guess"})
    right = from_address(base_url, new_place, {"email": email, "password": PASSWORD})
    assert wrong == right == (401, {"error": "login_code_required", "message": right[1]["message"]})
    assert len([m for m in sent_to(email) if m.subject == "Your sign-in code"]) == 1  # for the right password only
    code = code_in(last(email))
    bad = from_address(base_url, new_place, {"email": email, "password": PASSWORD, "login_code": "00000000"})
    assert bad[0] == 401 and bad[1]["error"] == "invalid_credentials"
    ok = from_address(base_url, new_place, {"email": email, "password": PASSWORD, "login_code": code})
    assert ok[0] == 200 and ok[1]["access_token"]
    again = from_address(base_url, "127.0.0.10", {"email": email, "password": PASSWORD, "login_code": code})
    assert again[0] == 200  # the streak ended with that sign-in: no code is asked for


def from_address(base_url, source, body):
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, source_address=(source, 0), timeout=30)
    try:
        conn.request("POST", "/api/auth/login", json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_unknown_tokens_and_fields(base_url):
    assert_refused(post(base_url, "/api/auth/verify-email", {}), 400, "validation_error")
    random_token = uuid.uuid4().hex + "abcdefghijk"
    assert_refused(post(base_url, "/api/auth/verify-email", {"token": random_token}), 400, "invalid_token")
    assert_refused(post(base_url, "/api/auth/password-reset", {"email": "not an email"}), 400, "validation_error")


@pytest.fixture
def lenient_email_limits(monkeypatch):
    """Limits high enough for hundreds of reset requests (the workers read the environment when they start)."""
    monkeypatch.setenv("ACCOUNT_EMAILS_PER_HOUR", "100000")
    monkeypatch.setenv("ACCOUNT_EMAILS_PER_CLIENT_PER_HOUR", "100000")


def test_reset_requests_reveal_no_account_by_status_body_or_time(lenient_email_limits, base_url):
    """200 samples, interleaved: addresses with an account (each request sends a link) and without."""
    known = [sign_up(base_url) for _ in range(10)]
    samples = [(True, known[i % 10]) if i % 2 else (False, unique_email()) for i in range(200)]
    random.Random(19).shuffle(samples)

    def timed(sample):
        started = time.perf_counter()
        answer = post(base_url, "/api/auth/password-reset", {"email": sample[1]})
        return sample[0], answer.status_code, answer.text, time.perf_counter() - started

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(timed, samples))
    assert {(status, text) for _, status, text, _ in results} == {(202, results[0][2])}  # one answer for all
    has = [t for exists, _, _, t in results if exists]
    hasnt = [t for exists, _, _, t in results if not exists]
    gap = statistics.median(has) - statistics.median(hasnt)
    assert abs(gap) < 0.015, (statistics.median(has), statistics.median(hasnt))
    assert sum(len(sent_to(address)) for address in known) == 10 + 100  # sign-up links, then a reset link each


@pytest.mark.parametrize("dev_log", ["1", ""])
def test_no_log_line_holds_a_token_but_the_development_one(endpoint, caplog, monkeypatch, dev_log):
    """Through the functions' own apps, every log record formatted as the functions write it."""
    from calls_platform import bootstrap
    from calls_platform.logs import JsonFormatter

    monkeypatch.setenv("EMAIL_DEV_LOG", dev_log)
    bootstrap.reset()
    caplog.set_level(logging.DEBUG)
    email = unique_email()
    endpoint("register").call("POST", "/api/auth/register", {"email": email, "password": PASSWORD})
    endpoint("password_reset").call("POST", "/api/auth/password-reset", {"email": email})
    verify, reset = token_in(sent_to(email)[0], "verify"), token_in(last(email), "reset")
    endpoint("verify_email").call("POST", "/api/auth/verify-email", {"token": verify})
    endpoint("password_reset_confirm").call(
        "POST", "/api/auth/password-reset/confirm", {"token": reset, "password": "x" * 10}
    )
    lines = [(r.name, JsonFormatter().format(r)) for r in caplog.records]
    holding = [name for name, line in lines if verify in line or reset in line]
    assert holding == (["email-dev", "email-dev"] if dev_log else [])


def test_reset_requests_are_limited_per_address_alike_for_every_address(base_url):
    known, unknown = sign_up(base_url), unique_email()
    for address in (known, unknown):
        answers = [post(base_url, "/api/auth/password-reset", {"email": address}) for _ in range(6)]
        assert [a.status_code for a in answers] == [202] * 5 + [429]
        assert int(answers[-1].headers["Retry-After"]) > 0
    assert len(sent_to(known)) == 1 + 5
