"""Fresh-process probes, shared by `make bench` and the cold-start import test."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from infra.settings import ROOT

# A cold start: a fresh process imports one function's module and serves one request (event file in argv[2]).
# It reports how long that took, the status, and which of the modules named in argv[3] got loaded.
COLD_START = """
import json, sys, time, types, importlib
started = time.perf_counter()
event = json.load(open(sys.argv[2]))
module = importlib.import_module(f"functions.{sys.argv[1]}.app")
context = types.SimpleNamespace(aws_request_id="cold", function_name=sys.argv[1], memory_limit_in_mb=256,
                                invoked_function_arn="arn", get_remaining_time_in_millis=lambda: 10000)
status = module.app(event, context)["statusCode"]
seconds = time.perf_counter() - started
watched = json.loads(sys.argv[3]) if len(sys.argv) > 3 else []
print(json.dumps({"seconds": seconds, "status": status, "loaded": sorted(m for m in watched if m in sys.modules)}))
"""


def project_env(**extra: str) -> dict[str, str]:
    """The environment a fresh process of this project needs: the layer and the repository importable."""
    return {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", **extra}


def run_probe(code: str, *args: str, **env: str) -> dict:
    """Run `code` in a fresh interpreter; its last stdout line is a JSON report."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=project_env(**env),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])
