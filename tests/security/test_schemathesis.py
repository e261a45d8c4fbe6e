"""schemathesis against openapi.yaml on the local stack: no 5xx, nothing outside the spec."""

import os
import subprocess
import sys
from pathlib import Path

import requests

from infra.settings import ROOT

HOOKS = "tests.support.hostile_strings"  # strings that are not text, which schemathesis never makes itself
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "unsupported_method",
    ]
)


def test_the_api_keeps_to_its_spec_under_generated_input(base_url):
    creds = {"email": "fuzz@example.com", "password": "password123"}
    requests.post(f"{base_url}/api/auth/register", json=creds, timeout=10)
    token = requests.post(f"{base_url}/api/auth/login", json=creds, timeout=10).json()["access_token"]
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(
        [
            str(st),
            "run",
            str(ROOT / "openapi.yaml"),
            "--url",
            base_url,
            "-H",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            "25",
            "--workers",
            "1",
            "--seed",
            "20261123",
            "--request-timeout",
            "15",
            "--suppress-health-check",
            "all",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": HOOKS},
        check=False,
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_the_fuzzer_sends_strings_that_are_not_text():
    """The hooks are what make schemathesis try lone surrogates and NUL; without them it never does."""
    from hypothesis import given, settings

    from tests.support.hostile_strings import HOSTILE, flatmap_body

    seen: set[bool] = set()

    @settings(max_examples=60, database=None)
    @given(flatmap_body(None, {"refresh_token": "abc"}))
    def draw(body: dict[str, str]) -> None:
        seen.add(any(value in HOSTILE or key in HOSTILE for key, value in body.items()))

    draw()
    assert seen == {True, False}
