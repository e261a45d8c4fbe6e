"""`make bench-load`: simulated users doing the guide's walkthrough against the local stack, over HTTP.

Each user registers and logs in once, then loops for the run's length: initiate, answer (a browser's SDP
answer), terminate, history. Reports throughput, p50/p99 per route and errors, then checks the database: every
call a client was told of exists once, no call exists that no client was told of, and every call a client
hung up is ended. Writes benchmarks/load-results.json.

Starts the stack as `make run` does (`python -m infra.run`) on LOAD_PORT / LOAD_POSTGRES_PORT (default
8085/5445), or targets one already running at LOAD_URL (its Postgres from POSTGRES_* as `make run` reads them).
LOAD_USERS (20) and LOAD_SECONDS (60; 10 with BENCH_QUICK=1) size the run.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from calls_platform.domain.calls import CallStatus
from infra.settings import LocalSettings, load_dotenv
from tests.support.probes import ROOT, project_env

RESULTS = ROOT / "benchmarks" / "load-results.json"
NUMBER = "+491512345678"
PASSWORD = "password123"
ANSWER_SDP = (ROOT / "tests" / "fixtures" / "chromium_answer.sdp").open(newline="").read()
EXPECTED = {"register": 201, "login": 200, "initiate": 201, "answer": 200, "terminate": 200, "history": 200}


@dataclass
class Tally:
    """What every simulated user saw, merged under one lock."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rate_limited: int = 0
    initiated: set[str] = field(default_factory=set)
    terminated: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class User:
    """One simulated browser: its own client address (per-address limits see 20 people, not one)."""

    def __init__(self, base: str, number: int, run_id: str, tally: Tally) -> None:
        parts = urlsplit(base)
        self._host, self._port, self._prefix = parts.hostname or "127.0.0.1", parts.port or 80, parts.path.rstrip("/")
        self._source = (f"127.0.0.{10 + number}", 0) if self._host in ("127.0.0.1", "localhost") else None
        self._name, self._accounts, self._tally, self._token = f"load-{run_id}-{number}", 0, tally, ""

    def request(self, route: str, method: str, path: str, body: Any = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection(self._host, self._port, timeout=30, source_address=self._source)
        headers = {"Content-Type": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        started = time.perf_counter()
        try:
            connection.request(method, self._prefix + path, json.dumps(body) if body is not None else None, headers)
            response = connection.getresponse()
            status, raw = response.status, response.read()
        except OSError as error:
            status, raw = 0, json.dumps({"error": type(error).__name__}).encode()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        payload = json.loads(raw) if raw else {}
        with self._tally.lock:
            self._tally.latencies[route].append(elapsed)
            if status != EXPECTED[route] and not self._rate_limited(route, status, payload):
                self._tally.errors[route].append(f"{status} {payload.get('error', '')}")
        return status, payload

    def _rate_limited(self, route: str, status: int, payload: dict) -> bool:
        """The per-user calls-a-minute limit (issue 11 removes it): not an error of the run; a new account."""
        if route == "initiate" and status == 429:
            self._tally.rate_limited += 1
            return True
        return False

    def sign_up(self, deadline: float) -> None:
        """A new account, logged in; a failed attempt (counted as an error) is followed by another one."""
        self._token = ""
        while not self._token and time.monotonic() < deadline:
            self._sign_up_once()

    def _sign_up_once(self) -> None:
        self._accounts += 1
        email = f"{self._name}-{self._accounts}@example.com"
        self._token = ""
        self.request("register", "POST", "/api/auth/register", {"email": email, "password": PASSWORD})
        _, body = self.request("login", "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
        self._token = body.get("access_token", "")

    def walk(self, deadline: float) -> None:
        self.sign_up(deadline)
        while time.monotonic() < deadline:
            status, body = self.request("initiate", "POST", "/api/calls/initiate", {"phone_number": NUMBER})
            if status == 429:
                self.sign_up(deadline)
                continue
            call_id = body.get("call_id")
            if status != 201 or not call_id:
                continue
            with self._tally.lock:
                self._tally.initiated.add(call_id)
            self.request("answer", "POST", "/api/calls/answer", {"call_id": call_id, "sdp_answer": ANSWER_SDP})
            status, _ = self.request("terminate", "POST", "/api/calls/terminate", {"call_id": call_id})
            if status == 200:
                with self._tally.lock:
                    self._tally.terminated.add(call_id)
            self.request("history", "GET", "/api/calls/history?limit=20")


def run_load(base: str, users: int, seconds: float) -> tuple[Tally, float, str]:
    tally, run_id = Tally(), uuid.uuid4().hex[:8]
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=User(base, i, run_id, tally).walk, args=(deadline,)) for i in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started, run_id


def check_database(settings: LocalSettings, run_id: str, tally: Tally) -> dict[str, Any]:
    import pg8000.native

    conn = pg8000.native.Connection(
        settings.postgres_user,
        host=settings.postgres_host or "127.0.0.1",
        port=settings.postgres_port,
        password=settings.postgres_password,
        database=settings.postgres_db,
    )
    rows = conn.run(
        "SELECT CAST(c.call_id AS text), c.status FROM calls c JOIN users u ON u.user_id = c.user_id"
        " WHERE u.email LIKE :pattern",
        pattern=f"load-{run_id}-%",
    )
    conn.close()
    in_db = [call_id for call_id, _ in rows]
    status = dict(rows)
    return {
        "calls_in_database": len(in_db),
        "calls_clients_were_told_of": len(tally.initiated),
        "lost": len(tally.initiated - set(in_db)),
        "duplicated": len(in_db) - len(set(in_db)),
        "unknown_to_clients": len(set(in_db) - tally.initiated),
        "hung_up_but_live": sum(not CallStatus(status[c]).is_final for c in tally.terminated if c in status),
    }


def summary(tally: Tally, elapsed: float) -> dict[str, Any]:
    routes = {}
    for route in EXPECTED:
        samples = sorted(tally.latencies.get(route, []))
        if not samples:
            continue
        routes[route] = {
            "requests": len(samples),
            "per_second": round(len(samples) / elapsed, 1),
            "p50_ms": round(statistics.median(samples) * 1000, 1),
            "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000, 1),
            "errors": len(tally.errors.get(route, [])),
        }
    total = sum(len(v) for v in tally.latencies.values())
    return {
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "walkthroughs_per_second": round(len(tally.terminated) / elapsed, 1),
        "routes": routes,
        "errors": sum(len(v) for v in tally.errors.values()),
        "error_samples": {route: sorted(set(v))[:5] for route, v in tally.errors.items()},
        "rate_limited_initiates": tally.rate_limited,
    }


def start_stack(port: int, pg_port: int) -> subprocess.Popen:
    """`make run` on its own ports; returns once it serves."""
    env = project_env(SERVER_PORT=str(port), POSTGRES_PORT=str(pg_port), PYTHONDONTWRITEBYTECODE="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "infra.run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert server.stdout is not None
    for line in server.stdout:
        if b"serving the API" in line:
            threading.Thread(target=server.stdout.read, daemon=True).start()  # keep draining its logs
            return server
    server.wait()
    raise RuntimeError(f"make run exited ({server.returncode}) before serving")


def main() -> int:
    quick = os.environ.get("BENCH_QUICK") == "1"
    users = int(os.environ.get("LOAD_USERS", "20"))
    seconds = float(os.environ.get("LOAD_SECONDS", "10" if quick else "60"))
    port, pg_port = int(os.environ.get("LOAD_PORT", "8085")), int(os.environ.get("LOAD_POSTGRES_PORT", "5445"))
    load_dotenv(ROOT / ".env")
    base = os.environ.get("LOAD_URL")
    if not base:
        os.environ["POSTGRES_PORT"] = str(pg_port)
    server = None if base else start_stack(port, pg_port)
    base = base or f"http://127.0.0.1:{port}"
    try:
        tally, elapsed, run_id = run_load(base, users, seconds)
        settings = LocalSettings.from_env()  # the database `make run` uses, as it reads it
        results = {"users": users, **summary(tally, elapsed), "database": check_database(settings, run_id, tally)}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def print_table(results: dict[str, Any]) -> None:
    print(f"\n{results['users']} users for {results['seconds']} s: {results['requests_per_second']} requests/s, ")
    print(f"{results['walkthroughs_per_second']} walkthroughs/s, {results['errors']} errors")
    print("  route        requests   per s   p50 ms   p99 ms   errors")
    for route, row in results["routes"].items():
        print(
            f"  {route:<12} {row['requests']:>8} {row['per_second']:>7} {row['p50_ms']:>8} {row['p99_ms']:>8}"
            f" {row['errors']:>8}"
        )
    print(f"  database: {results['database']}")
    if results["rate_limited_initiates"]:
        print(f"  initiates refused by the per-user calls-a-minute limit: {results['rate_limited_initiates']}")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
