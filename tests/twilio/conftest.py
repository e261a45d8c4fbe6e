"""Twilio mode: the real `twilio` client talking HTTP to a local fake Twilio the tests inspect."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from infra.seed import put_secret
from infra.stack import APP_SECRET_ID
from tests.fakes.twilio_server import FakeTwilio

PUBLIC_BASE_URL = "https://calls.example.test"
STATUS_URL = PUBLIC_BASE_URL + "/api/webhooks/twilio/status"
FROM_NUMBER = "+15005550006"
_running: list[FakeTwilio] = []  # the test's fake Twilio, for the helpers that play its callbacks


@pytest.fixture
def fake_twilio():
    fake = FakeTwilio().start()
    _running.append(fake)
    yield fake
    _running.remove(fake)
    fake.stop()


def callback_url(sid: str) -> str:
    """Where Twilio sends the callbacks of call `sid`: the StatusCallback it was given (both legs use it), or
    the bare path for a call the fake never placed."""
    return next((fake.callback_urls[sid] for fake in _running if sid in fake.callback_urls), STATUS_URL)


def sid_of(call_id: str) -> str:
    """The Call SID Twilio gave our call (initiate keeps it in the session, not in Postgres)."""
    return next(
        sid for fake in _running for sid, url in fake.callback_urls.items() if url == f"{STATUS_URL}?call_id={call_id}"
    )


@pytest.fixture
def twilio_mode(stack, db, fake_twilio, monkeypatch):
    """The functions wired for VOIP_PROVIDER=twilio, with credentials in the app secret as in AWS."""
    import boto3

    from calls_platform import bootstrap

    secret = {
        **stack.app_secret(),
        "voip_account_sid": fake_twilio.account_sid,
        "voip_auth_token": fake_twilio.auth_token,
        "voip_from_number": FROM_NUMBER,
        "voip_api_key_sid": "SK" + "1" * 32,
        "voip_api_key_secret": "api-key-secret-for-tests-0123456789abcdef",
        "voip_api_base_url": fake_twilio.base_url,
    }
    put_secret(boto3.session.Session().client("secretsmanager"), APP_SECRET_ID, secret)
    monkeypatch.setenv("VOIP_PROVIDER", "twilio")
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC_BASE_URL)
    bootstrap.reset()
    yield secret
    put_secret(boto3.session.Session().client("secretsmanager"), APP_SECRET_ID, stack.app_secret())
    bootstrap.reset()


def signed(params: dict, auth_token: str, url: str = STATUS_URL) -> dict:
    return {"X-Twilio-Signature": RequestValidator(auth_token).compute_signature(url, params)}
