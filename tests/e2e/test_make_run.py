"""`make run`'s server, started as users start it, answers the guide's curl walkthrough as written."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from infra.local_aws import free_port
from infra.settings import ROOT
from tests.support.probes import project_env

GUIDE = ROOT / "docs" / "webrtc-setup-guide.md"


def guide_curl_blocks() -> list[str]:
    """The bash blocks of the guide's "Ручное тестирование с curl" section, in order."""
    text = GUIDE.read_text()
    section = text.split("### Ручное тестирование с curl", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def run_block(block: str, **exports: str) -> dict:
    """One block, in a shell that has what earlier blocks exported (as a user's terminal would)."""
    for name, value in exports.items():
        block = re.sub(rf'export {name}=".*?"', f'export {name}="{value}"', block)
        block = f'export {name}="{value}"\n{block}'
    out = subprocess.run(["bash", "-c", block], capture_output=True, text=True, timeout=30, check=True).stdout
    return json.loads(out)


def _start(data, port: int, stdout) -> tuple[subprocess.Popen, dict[str, str]]:
    """`make run`'s server as a user starts it, on its own data directory, in its own process group."""
    env = project_env(CALLS_LOCAL_DIR=str(data), POSTGRES_PORT=str(free_port()), SERVER_PORT=str(port))
    for name in ("POSTGRES_HOST", "AWS_ENDPOINT_URL", "JWT_SECRET"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.run"], cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    return proc, env


def _wait_until_served(proc: subprocess.Popen, port: int, log: Path | None = None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(f"http://localhost:{port}/api/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:  # not up yet, or a first (cold) answer slower than the poll
            time.sleep(0.2)
    pytest.fail(f"make run did not serve :{port} (is the port taken?):\n" + (log.read_text() if log else ""))


@pytest.fixture
def served(tmp_path):
    # Its output goes to a file: a pipe nobody reads fills up and stalls the server mid-log.
    with (tmp_path / "make-run.log").open("w") as log:
        proc, env = _start(tmp_path, 8080, log)
        try:
            _wait_until_served(proc, 8080, tmp_path / "make-run.log")
            yield proc, tmp_path, env
        finally:
            _stop(proc)  # whatever happened: never leave a server holding :8080 for the tests after this one


def _stop(proc: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops it; the whole process group if it does not stop in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_the_guides_walkthrough_works_as_written(served):
    proc, data, env = served
    register, login, initiate, terminate, history = guide_curl_blocks()
    assert run_block(register)["email"] == "test@example.com"
    tokens = run_block(login)
    token = tokens["access_token"]
    refresh_token = requests.post(
        "http://localhost:8080/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=10
    ).json()["refresh_token"]
    call = run_block(initiate, TOKEN=token)
    assert call["status"] == "connecting" and call["sdp_offer"].startswith("v=0\r\n")
    ended = run_block(terminate, TOKEN=token, CALL_ID=call["call_id"])
    assert ended == {"call_id": call["call_id"], "duration": ended["duration"], "status": "completed"}
    assert run_block(history, TOKEN=token)["calls"][0]["call_id"] == call["call_id"]

    # make invoke: one function in-process against this stack, printed as Lambda returns it
    invoked = subprocess.run(
        [sys.executable, "-m", "infra.invoke", "health", "events/health.json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(invoked.stdout)["statusCode"] == 200

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    output = (data / "make-run.log").read_text()
    for line in ("call initiated successfully", "session added", "session removed", "call terminated successfully"):
        assert f'"message": "{line}"' in output
    # Logs never hold passwords, tokens, secrets, SDP credentials or full phone numbers.
    ice_pwd = re.search(r"a=ice-pwd:(\S+)", call["sdp_offer"]).group(1)
    jwt_secret = (data / "dev-jwt-secret").read_text().strip()
    for secret in ("password123", token, refresh_token, jwt_secret, ice_pwd, "+491512345678"):
        assert secret not in output, secret[:12]
    assert "*********5678" in output  # the number appears masked
    # Ctrl-C stops what it started: no server left on the data directory
    assert subprocess.run(["pgrep", "-f", str(data / "pgdata")], capture_output=True, check=False).returncode == 1


def test_make_run_stops_cleanly_when_nobody_reads_its_output(tmp_path):
    """`make run | head`, or a closed terminal: its output has nowhere to go, and a stop still stops it all."""
    port = free_port()
    proc, _ = _start(tmp_path, port, subprocess.PIPE)
    try:
        _wait_until_served(proc, port)
        proc.stdout.close()  # the reader went away
        assert requests.get(f"http://localhost:{port}/api/health", timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        left = subprocess.run(["pgrep", "-f", str(tmp_path / "pgdata")], capture_output=True, check=False)
        assert left.returncode == 1, "the embedded Postgres was left running"
    finally:
        _stop(proc)
        subprocess.run(["pkill", "-f", str(tmp_path / "pgdata")], check=False)  # should it have been left
