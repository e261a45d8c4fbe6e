"""Cold starts import only what a function uses: twilio never in mock mode, nothing heavy where unused."""

import json

import pytest

from infra.template import ROOT
from tests.support.function_needs import ACCOUNT_NEEDS, HEAVY, NEEDS
from tests.support.probes import cold_start, run_probe

# The samples name a call nobody has, or a token nobody was sent: those functions answer "no such call" or
# "invalid token", which is still a served request.
CALL_NOT_FOUND = {
    "get_call": "call_not_found",
    "terminate_call": "call_not_found",
    "answer_call": "call_not_found",
    "verify_email": "invalid_token",
    "password_reset_confirm": "invalid_token",
}


def sample_event(function: str, user: dict) -> dict:
    event = json.loads((ROOT / "events" / f"{function}.json").read_text())
    if "headers" in event:  # a real request gets past authentication
        event["headers"]["Authorization"] = f"Bearer {user['token']}"
    if function == "login":
        event["body"] = json.dumps({"email": user["email"], "password": user["password"]})
    if function == "register":
        event["body"] = json.dumps({"email": "cold@example.com", "password": "password123"})
    return event


def assert_served(function: str, probe: dict) -> None:
    """Served by the function's own route: 2xx, or the one expected 404 (never a route miss's 404)."""
    assert probe["status"] < 300 or probe["error"] == CALL_NOT_FOUND.get(function), probe


@pytest.mark.parametrize("function", sorted({**NEEDS, **ACCOUNT_NEEDS}))
def test_a_cold_start_loads_only_what_the_function_uses(stack, db, user, function, tmp_path):
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(sample_event(function, user)))
    probe = cold_start(function, "app", str(event_file), json.dumps(HEAVY), VOIP_PROVIDER="mock")
    assert_served(function, probe)
    assert "twilio" not in probe["loaded"]
    assert set(probe["loaded"]) <= {**NEEDS, **ACCOUNT_NEEDS}[function].heavy, probe["loaded"]


def test_a_wrongly_routed_request_is_not_taken_for_served(stack, db, user, tmp_path):
    event = sample_event("get_call", user)
    event["resource"] = event["requestContext"]["resourcePath"] = "/api/calls/nowhere/{call_id}"
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    probe = cold_start("get_call", "app", str(event_file), VOIP_PROVIDER="mock")
    assert probe["status"] >= 400 and probe["error"] != "call_not_found", probe
    with pytest.raises(AssertionError):
        assert_served("get_call", probe)


def test_issuing_a_voice_token_loads_the_token_module_not_the_rest_client():
    code = """
import json, sys, uuid
from calls_platform.adapters.voip.voice_tokens import TwilioVoiceTokens
token = TwilioVoiceTokens("AC" + "0" * 32, "SK" + "0" * 32, "secret").issue(uuid.uuid4())
print(json.dumps({"jwt": bool(token.token), "loaded": sorted(m for m in sys.modules if m.startswith("twilio."))}))
"""
    probe = run_probe(code)
    assert probe["jwt"] and "twilio.jwt.access_token" in probe["loaded"]
    assert not [m for m in probe["loaded"] if m.startswith(("twilio.rest", "twilio.http", "twilio.base.client"))]


def test_the_health_check_loads_no_call_or_user_code(stack, db, user, tmp_path):
    """The ports name domain types in annotations only: a function loads the domain its use case needs."""
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(sample_event("health", user)))
    domain = ["calls_platform.domain.calls", "calls_platform.domain.users", "calls_platform.domain.sessions"]
    probe = cold_start("health", "app", str(event_file), json.dumps([*domain, "calls_platform.use_cases.calls"]))
    assert_served("health", probe)
    assert probe["loaded"] == [], probe["loaded"]


# Modules of one call function or another (each use case in its own module, the ports loaded only by the
# adapters that need their records; `ports` itself is for annotations only): what each call function may load.
OTHERS = {
    "calls_platform.use_cases.ports": (),
    "calls_platform.use_cases.account_ports": (),
    "calls_platform.use_cases.provider_ports": (),
    "calls_platform.use_cases.auth": (),
    "calls_platform.use_cases.initiate": ("initiate_call",),
    "calls_platform.use_cases.answer": ("answer_call",),
    "calls_platform.domain.sdp": ("answer_call", "initiate_call"),  # the mock provider synthesizes the offer
    "calls_platform.use_cases.history": ("call_history",),
    "calls_platform.domain.history": ("call_history",),
    "calls_platform.domain.contacts": ("call_history",),
    "calls_platform.adapters.postgres.history": ("call_history",),
}


@pytest.mark.parametrize("function", ["get_call", "terminate_call", "answer_call", "initiate_call", "call_history"])
def test_a_call_function_loads_its_own_use_case_and_no_other(stack, db, user, function, tmp_path):
    """Each module a cold start loads costs its classes' creation (a frozen dataclass is ~0.7 ms on 3.13)."""
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(sample_event(function, user)))
    probe = cold_start(function, "app", str(event_file), json.dumps(sorted(OTHERS)), VOIP_PROVIDER="mock")
    assert_served(function, probe)
    assert probe["loaded"] == sorted(m for m, users in OTHERS.items() if function in users), probe["loaded"]
