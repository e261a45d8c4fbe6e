"""The page's security headers from the local gateway: Twilio's origins only in Twilio mode, framing refused."""

from __future__ import annotations

import requests

MOCK_CSP = (
    "default-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
TWILIO_CONNECT = " ".join(
    [
        "'self'",
        *(
            f"wss://voice-js.{edge}.twilio.com"
            for edge in (
                "roaming",
                "ashburn",
                "umatilla",
                "dublin",
                "frankfurt",
                "sao-paulo",
                "singapore",
                "sydney",
                "tokyo",
            )
        ),
        "https://eventgw.twilio.com",
        *(f"https://eventgw.{home}.twilio.com" for home in ("us1", "us2", "ie1", "de1", "br1", "sg1", "au1", "jp1")),
    ]
)
PATHS = (
    "/",
    "/app.js",
    "/config.json",
    "/vendor/twilio.min.js",
    "/sounds/dtmf1.wav",
    "/sw.js",
    "/manifest.webmanifest",
)


def headers_of(base_url: str, path: str) -> dict[str, str]:
    response = requests.get(base_url + path, timeout=10)
    assert response.status_code == 200, path
    return response.headers


def assert_hardened(headers) -> None:
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_mock_mode_names_no_twilio_origin(base_url):
    for path in PATHS:
        headers = headers_of(base_url, path)
        assert headers["Content-Security-Policy"] == MOCK_CSP, path
        assert_hardened(headers)
    assert requests.get(base_url + "/config.json", timeout=10).json()["voipProvider"] == "mock"


def test_twilio_mode_allows_exactly_the_sdks_origins(base_url, monkeypatch):
    monkeypatch.setenv("VOIP_PROVIDER", "twilio")
    expected = MOCK_CSP.replace("connect-src 'self'", f"connect-src {TWILIO_CONNECT}")
    for path in PATHS:
        headers = headers_of(base_url, path)
        assert headers["Content-Security-Policy"] == expected, path
        assert_hardened(headers)
    assert requests.get(base_url + "/config.json", timeout=10).json()["voipProvider"] == "twilio"


def test_the_sdks_sounds_are_served_by_the_platform(base_url):
    for name in ("incoming", "outgoing", "disconnect", "dtmf0", "dtmf9", "dtmfs", "dtmfh"):
        response = requests.get(f"{base_url}/sounds/{name}.wav", timeout=10)
        assert response.status_code == 200 and response.headers["Content-Type"] == "audio/wav"
        assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
