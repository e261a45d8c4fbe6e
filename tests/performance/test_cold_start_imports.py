"""Cold starts import only what a function uses: twilio never in mock mode, nothing heavy where unused."""

import json

import pytest

from benchmarks.probes import COLD_START, run_probe
from infra.template import ROOT

HEAVY = ["twilio", "aws_lambda_powertools", "argon2", "phonenumbers", "jwt", "pg8000", "boto3"]
# What each function may load on its first request in mock mode; anything else heavy is a regression.
ALLOWED = {
    "health": {"pg8000", "boto3"},
    "register": {"pg8000", "boto3", "argon2"},
    "login": {"pg8000", "boto3", "argon2", "jwt"},
    "call_history": {"pg8000", "boto3", "jwt"},
    "get_call": {"pg8000", "boto3", "jwt"},
    "initiate_call": {"pg8000", "boto3", "jwt", "phonenumbers", "aws_lambda_powertools"},
    "terminate_call": {"pg8000", "boto3", "jwt", "aws_lambda_powertools"},
    "voice_token": {"boto3", "jwt", "pg8000"},  # pg8000: is the token's family logged out?
}


@pytest.mark.parametrize("function", sorted(ALLOWED))
def test_a_cold_start_loads_only_what_the_function_uses(stack, db, user, function, tmp_path):
    event = json.loads((ROOT / "events" / f"{function}.json").read_text())
    event["headers"]["Authorization"] = f"Bearer {user['token']}"  # a real request gets past authentication
    if function == "login":
        event["body"] = json.dumps({"email": user["email"], "password": user["password"]})
    if function == "register":
        event["body"] = json.dumps({"email": "cold@example.com", "password": "password123"})
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    probe = run_probe(COLD_START, function, str(event_file), json.dumps(HEAVY), VOIP_PROVIDER="mock")
    assert probe["status"] in (200, 201, 404), probe  # served: 404 for the sample's unknown call id
    assert "twilio" not in probe["loaded"]
    assert set(probe["loaded"]) <= ALLOWED[function], probe["loaded"]
