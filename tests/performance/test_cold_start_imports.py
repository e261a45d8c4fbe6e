"""Cold starts import only what a function uses: twilio never in mock mode, nothing heavy where unused."""

import json
import os
import subprocess
import sys

import pytest

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
    "voice_token": {"boto3", "jwt"},
}

PROBE = """
import json, sys, importlib, types
event = json.load(open(sys.argv[2]))
module = importlib.import_module(f"functions.{sys.argv[1]}.app")
context = types.SimpleNamespace(aws_request_id="cold", function_name=sys.argv[1], memory_limit_in_mb=256,
                                invoked_function_arn="arn", get_remaining_time_in_millis=lambda: 10000)
response = module.app(event, context)
heavy = json.loads(sys.argv[3])
print(json.dumps({"status": response["statusCode"], "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


@pytest.mark.parametrize("function", sorted(ALLOWED))
def test_a_cold_start_loads_only_what_the_function_uses(stack, db, user, function, tmp_path):
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", "VOIP_PROVIDER": "mock"}
    event = json.loads((ROOT / "events" / f"{function}.json").read_text())
    event["headers"]["Authorization"] = f"Bearer {user['token']}"  # a real request gets past authentication
    if function == "login":
        event["body"] = json.dumps({"email": user["email"], "password": user["password"]})
    if function == "register":
        event["body"] = json.dumps({"email": "cold@example.com", "password": "password123"})
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, function, str(event_file), json.dumps(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] in (200, 201, 404), probe  # served: 404 for the sample's unknown call id
    assert "twilio" not in probe["loaded"]
    assert set(probe["loaded"]) <= ALLOWED[function], probe["loaded"]
