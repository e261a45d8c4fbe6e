"""The softphone's files as the local gateway serves them (in AWS: S3 behind CloudFront), and their headers."""

from __future__ import annotations

import json
import os

from calls_platform.web.framing import NotFound
from infra.answers import HttpAnswer, error_answer
from infra.settings import ROOT

SOFTPHONE_DIR = ROOT / "softphone" / "dist"  # built by `make page`
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
}
# Twilio's Voice SDK (2.18.5, lib/twilio/regions.ts) signals over wss://voice-js.<edge>.twilio.com/signal: the
# page asks for the "roaming" edge and the SDK then prefers the edge Twilio names in its `connected` message, one
# of the public edges. It posts call quality events to https://eventgw.twilio.com, or eventgw.<home>.twilio.com
# once Twilio names the home region. Media (ICE/DTLS/SRTP) is not governed by CSP; the SDK's sounds are ours.
TWILIO_EDGES = ("roaming", "ashburn", "umatilla", "dublin", "frankfurt", "sao-paulo", "singapore", "sydney", "tokyo")
TWILIO_HOME_REGIONS = ("us1", "us2", "ie1", "de1", "br1", "sg1", "au1", "jp1")
TWILIO_ORIGINS = (
    *(f"wss://voice-js.{edge}.twilio.com" for edge in TWILIO_EDGES),
    "https://eventgw.twilio.com",
    *(f"https://eventgw.{region}.twilio.com" for region in TWILIO_HOME_REGIONS),
)


def page_headers(provider: str) -> dict[str, str]:
    """The page's security headers: its CSP opens exactly the Twilio origins in Twilio mode, none otherwise."""
    connect = " ".join(("'self'", *(TWILIO_ORIGINS if provider == "twilio" else ())))
    policy = (
        f"default-src 'self'; connect-src {connect}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def static_file(path: str) -> HttpAnswer:
    """The softphone's files (in AWS they belong on S3/CloudFront; locally the gateway serves them)."""
    headers = page_headers(voip_provider())
    if path == "/config.json":
        return 200, {"Content-Type": _CONTENT_TYPES[".json"], **headers}, page_config()
    name = "index.html" if path in ("", "/") else path.lstrip("/")
    file = (SOFTPHONE_DIR / name).resolve()
    servable = file.is_file() and SOFTPHONE_DIR in file.parents and file.suffix in _CONTENT_TYPES
    if name.endswith("/") or not servable:
        return error_answer(NotFound(f"no route for {path}"))
    return 200, {"Content-Type": _CONTENT_TYPES[file.suffix], **headers}, file.read_bytes()


def voip_provider() -> str:
    return os.environ.get("VOIP_PROVIDER") or "mock"


def page_config() -> bytes:
    """What the page needs to know about its API; in AWS the stack writes the same file next to the page."""
    # realMedia: a media peer answers mock calls (the local stack's), so a failed connection is a lost call.
    real_media = voip_provider() == "twilio" or bool(os.environ.get("MEDIA_PEER_URL"))
    return json.dumps({"apiBaseUrl": "", "voipProvider": voip_provider(), "realMedia": real_media}).encode()
