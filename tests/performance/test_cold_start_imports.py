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
def test_a_cold_start_loads_only_what_the_function_uses(stack, db, function):
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", "VOIP_PROVIDER": "mock"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, function, str(ROOT / "events" / f"{function}.json"), json.dumps(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] < 500
    assert "twilio" not in probe["loaded"]
    assert set(probe["loaded"]) <= ALLOWED[function], probe["loaded"]
