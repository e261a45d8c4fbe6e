"""Sample API Gateway (REST, v1 proxy) events, one per function, built from template.yaml's routes.

`python -m infra.events` writes them to events/; `sam local invoke <Function> -e events/<file>.json` (with
Docker) and `make invoke FN=<function> EVENT=events/<file>.json` (without) take them as they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.proxy_events import Request, proxy_event
from infra.settings import ROOT

EVENTS_DIR = ROOT / "events"
SAMPLE_TOKEN = "Bearer <access_token from POST /api/auth/login>"

# A request each route would plausibly get: (path as called, headers, body).
SAMPLES: dict[str, tuple[str, dict[str, str], str]] = {
    "register": ("/api/auth/register", {}, '{"email": "test@example.com", "password": "password123"}'),
    "login": ("/api/auth/login", {}, '{"email": "test@example.com", "password": "password123"}'),
    "initiate_call": ("/api/calls/initiate", {"Authorization": SAMPLE_TOKEN}, '{"phone_number": "+491512345678"}'),
    "answer_call": (
        "/api/calls/answer",
        {"Authorization": SAMPLE_TOKEN},
        '{"call_id": "3f2b6c1e-8a4d-4c3e-9b1a-2d5e7f9a0b1c", "sdp_answer": "v=0\\r\\n"}',
    ),
    "terminate_call": (
        "/api/calls/terminate",
        {"Authorization": SAMPLE_TOKEN},
        '{"call_id": "3f2b6c1e-8a4d-4c3e-9b1a-2d5e7f9a0b1c"}',
    ),
    "get_call": ("/api/calls/3f2b6c1e-8a4d-4c3e-9b1a-2d5e7f9a0b1c", {"Authorization": SAMPLE_TOKEN}, ""),
    "call_history": ("/api/calls/history", {"Authorization": SAMPLE_TOKEN}, ""),
    "live_calls": ("/api/calls/live", {"Authorization": SAMPLE_TOKEN}, ""),
    "create_contact": (
        "/api/contacts",
        {"Authorization": SAMPLE_TOKEN},
        '{"name": "Anna", "phone_number": "+491512345678"}',
    ),
    "list_contacts": ("/api/contacts", {"Authorization": SAMPLE_TOKEN}, ""),
    "update_contact": (
        "/api/contacts/5d1c9a3e-2b7f-4e6a-8c0d-9f4b2a1e7c3d",
        {"Authorization": SAMPLE_TOKEN},
        '{"name": "Anna Schmidt"}',
    ),
    "delete_contact": ("/api/contacts/5d1c9a3e-2b7f-4e6a-8c0d-9f4b2a1e7c3d", {"Authorization": SAMPLE_TOKEN}, ""),
    "health": ("/api/health", {}, ""),
    "refresh": ("/api/auth/refresh", {}, '{"refresh_token": "<refresh_token from POST /api/auth/login>"}'),
    "logout": ("/api/auth/logout", {}, '{"refresh_token": "<refresh_token from POST /api/auth/login>"}'),
    "voice_token": ("/api/voice/token", {"Authorization": SAMPLE_TOKEN}, ""),
    "verify_email": ("/api/auth/verify-email", {}, '{"token": "<token from the link\'s #verify=>"}'),
    "resend_verification": ("/api/auth/verify-email/resend", {"Authorization": SAMPLE_TOKEN}, ""),
    "get_account": ("/api/account", {"Authorization": SAMPLE_TOKEN}, ""),
    "delete_account": ("/api/account", {"Authorization": SAMPLE_TOKEN}, '{"password": "password123"}'),
    "password_reset": ("/api/auth/password-reset", {}, '{"email": "test@example.com"}'),
    "password_reset_confirm": (
        "/api/auth/password-reset/confirm",
        {},
        '{"token": "<token from the link\'s #reset=>", "password": "a new passphrase"}',
    ),
    "change_password": (
        "/api/auth/password",
        {"Authorization": SAMPLE_TOKEN},
        '{"current_password": "password123", "new_password": "a new passphrase"}',
    ),
    "export_calls": ("/api/calls/export", {"Authorization": SAMPLE_TOKEN}, ""),
    "twilio_status": (
        "/api/webhooks/twilio/status",
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "<signature>"},
        "CallSid=CA00000000000000000000000000000000&CallStatus=completed&CallDuration=42",
    ),
}


def sample_event(function: str, method: str, resource: str) -> dict[str, Any]:
    path, headers, body = SAMPLES[function]
    headers = {"Content-Type": "application/json", "Host": "localhost:8080", **headers}
    params = {}
    for name in ("call_id", "contact_id"):
        if "{" + name + "}" in resource:
            params[name] = path.rsplit("/", 1)[1]
    event = proxy_event(resource, Request(method, path, "", headers, body.encode()), params)
    event["requestContext"]["requestId"] = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"  # stable, like sam's samples
    return event


def write_all() -> list[Path]:
    from infra.template import api_routes, function_dir, functions

    EVENTS_DIR.mkdir(exist_ok=True)
    written = []
    folders = {name: function_dir(props) for name, props in functions().items()}
    for (method, resource), name in sorted(api_routes().items()):
        target = EVENTS_DIR / f"{folders[name]}.json"
        target.write_text(json.dumps(sample_event(folders[name], method, resource), indent=2) + "\n")
        written.append(target)
    for scheduled_or_manual in ("migrate", "sweep"):
        (EVENTS_DIR / f"{scheduled_or_manual}.json").write_text("{}\n")
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path.relative_to(ROOT))
