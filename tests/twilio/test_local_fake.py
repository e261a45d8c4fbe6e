"""Trying Twilio mode locally: `make run` with VOIP_API_BASE_URL talks to a fake Twilio started by hand."""

import subprocess
import sys

from twilio.rest import Client

from infra.local_aws import free_port
from infra.settings import ROOT, LocalSettings
from infra.stack import LocalStack


def test_voip_api_base_url_points_the_real_client_at_a_local_fake(monkeypatch):
    monkeypatch.setenv("VOIP_PROVIDER", "twilio")
    monkeypatch.setenv("JWT_SECRET", "x" * 40)
    monkeypatch.setenv("VOIP_API_BASE_URL", "http://127.0.0.1:8090/")
    assert LocalStack(LocalSettings.from_env()).app_secret()["voip_api_base_url"] == "http://127.0.0.1:8090"
    monkeypatch.delenv("VOIP_API_BASE_URL")
    assert "voip_api_base_url" not in LocalStack(LocalSettings.from_env()).app_secret()  # the real Twilio


def test_the_fake_runs_by_hand_and_answers_the_real_client():
    port = free_port()
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.twilio_server", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = fake.stdout.readline() + fake.stdout.readline()
        assert f"VOIP_API_BASE_URL=http://127.0.0.1:{port}" in banner and "make run" in banner
        client = Client("AC" + "0" * 32, "fake-auth-token")
        client.api.base_url = f"http://127.0.0.1:{port}"
        call = client.calls.create(to="client:user_1?call_id=x", from_="+15005550006", twiml="<Response/>")
        assert call.sid.startswith("CA") and call.status == "queued"
        assert '"To": ["client:user_1?call_id=x"]' in fake.stdout.readline()  # each request is echoed
    finally:
        fake.terminate()
        fake.wait(timeout=10)
