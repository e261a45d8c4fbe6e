"""`make bench`: cold starts, warm request overhead, round trips, history at scale and password hashing,
each figure beside its floor taken in the same run, so ratios hold on a noisy machine.

Writes benchmarks/results.json and prints a table. Runs against its own embedded Postgres and moto server.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calls_platform.adapters.passwords import _DUMMY_HASH
from calls_platform.config import SESSIONS_TABLE
from infra.template import function_dir, functions
from tests.support.function_needs import NEEDS, Needs
from tests.support.probes import (
    BUILD,
    ROOT,
    artifact_cold_start,
    artifact_run,
    cold_start,
    lambda_python,
    run_probe,
    without_bytecode,
)

LOCAL_EVENT = ROOT / ".local" / "bench-event.json"
RESULTS = ROOT / "benchmarks" / "results.json"
PARTIAL = ROOT / ".local" / "bench-partial.json"
NUMBER = "+491512345678"


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


# ---- cold start ------------------------------------------------------------------------------------------

# The floor: a fresh process that imports only what the function truly needs and does the request's essential
# round trips: its secrets fetched through aws-secretsmanager-caching (the project's required way to read them:
# a DescribeSecret and a GetSecretValue each), Postgres connected, as many DynamoDB requests as the function's
# first request makes (a GetItem each: the first one pays botocore's first-request setup); no framework, no
# code of ours.
FLOOR_PROBE = """
import json, os, sys, time
started = time.perf_counter()
plan = json.loads(sys.argv[1])
for name in plan["imports"]:
    __import__(name)
import boto3
session = boto3.session.Session()
if plan["secrets"]:
    from aws_secretsmanager_caching import SecretCache
    cache = SecretCache(client=session.client("secretsmanager"))
    values = {sid: json.loads(cache.get_secret_string(sid)) for sid in plan["secrets"]}
if plan["dynamodb"]:
    dynamodb = session.client("dynamodb")
    for _ in range(plan["dynamodb"]):
        dynamodb.get_item(TableName=plan["table"], Key={"session_id": {"S": "floor"}})
if plan["password"]:  # the request's essential work (one argon2id hash or verification), not overhead
    from argon2 import PasswordHasher
    hasher = PasswordHasher(memory_cost=19456, time_cost=2, parallelism=1)
    try:
        hasher.hash("password123") if plan["password"] == "hash" else hasher.verify(plan["dummy_hash"], "x")
    except Exception:
        pass  # a mismatch costs a full verification, which is the point
if plan["postgres"]:
    import pg8000.native
    db = values[os.environ["DB_SECRET_ID"]]
    conn = pg8000.native.Connection(db["username"], host=db["host"], port=int(db["port"]), password=db["password"],
                                    database=db["dbname"], ssl_context=False)
    conn.run("SELECT 1")
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

APP, DB = os.environ.get("APP_SECRET_ID", "calls-platform/app"), os.environ.get("DB_SECRET_ID", "calls-platform/db")


def floor_plan(needs: Needs) -> str:
    secrets = [APP if s == "app" else DB for s in needs.secrets]
    return json.dumps({**asdict(needs), "secrets": secrets, "table": SESSIONS_TABLE, "dummy_hash": _DUMMY_HASH})


def _artifact_probe(build: Path) -> Callable[[str, str], dict]:
    logical_ids = {function_dir(props): (name, props["Handler"]) for name, props in functions().items()}

    def probe(function: str, event_file: str) -> dict:
        name, handler = logical_ids[function]
        return artifact_cold_start(name, handler, event_file, build=build)

    return probe


def _artifact_floor(build: Path) -> Callable[[Needs], dict]:
    """The floor from the layer's own files, laid out and run as the artifacts are."""
    return lambda needs: artifact_run(FLOOR_PROBE, floor_plan(needs), task=build, build=build)  # no function code


def cold_start_runs(api: Api, runs: int) -> dict[str, dict[str, dict]]:
    """Each function cold beside its floor, run three ways: in the venv, from the built artifacts with
    python3.13 as Lambda mounts them, and from the same artifacts stripped of bytecode (as sam build shipped
    them before they carried any). The ways take turns sample by sample, so a busy moment hits all alike."""
    ways: dict[str, tuple[Callable, Callable]] = {
        "venv": (lambda f, e: cold_start(f, "app", e), lambda n: run_probe(FLOOR_PROBE, floor_plan(n))),
    }
    if (BUILD / "template.yaml").exists() and lambda_python():
        stripped = without_bytecode(BUILD, ROOT / ".local" / "build-without-bytecode")
        ways["artifacts"] = (_artifact_probe(BUILD), _artifact_floor(BUILD))
        ways["artifacts_without_bytecode"] = (_artifact_probe(stripped), _artifact_floor(stripped))
    else:
        print("no .aws-sam/build or no python3.13: artifact cold starts skipped (run `make build`)")
    LOCAL_EVENT.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, dict]] = {way: {} for way in ways}
    for function, needs in NEEDS.items():
        samples: dict[str, tuple[list[float], list[float]]] = {way: ([], []) for way in ways}
        for run in range(runs):
            for way, (probe, floor_probe) in ways.items():
                LOCAL_EVENT.write_text(json.dumps(api.event_for(function)))
                # Making the event (a user registered, a call placed) leaves Postgres and moto busy for a moment:
                # the function and its floor take turns at going first, so neither always gets that moment.
                floor_first = run % 2 == 1
                if floor_first:
                    samples[way][1].append(floor_probe(needs)["seconds"])
                report = probe(function, str(LOCAL_EVENT))
                assert report["status"] < 300, (way, function, report)
                samples[way][0].append(report["seconds"])
                if not floor_first:
                    samples[way][1].append(floor_probe(needs)["seconds"])
        for way, (measured, floor) in samples.items():
            results[way][function] = {
                "ms": median_ms(measured),
                "floor_ms": median_ms(floor),
                "ratio": round(statistics.median(measured) / statistics.median(floor), 2),
                # The least disturbed sample of each: noise only ever adds time.
                "min_ratio": round(min(measured) / min(floor), 2),
            }
    return results


# ---- warm requests -----------------------------------------------------------------------------------------


class Api:
    """Builds real requests (fresh users and calls) for the functions, through the functions themselves."""

    def __init__(self) -> None:
        from infra.gateway import Request, lambda_context, proxy_event

        self._request, self._event, self._context = Request, proxy_event, lambda_context
        self._addresses = 0
        self.new_user()

    def new_user(self) -> None:
        """A fresh account: each user may have one live call, and the bench leaves many live."""
        self.token = ""
        self.email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        self.call("register", "POST", "/api/auth/register", {"email": self.email, "password": "password123"})
        login = self.call("login", "POST", "/api/auth/login", {"email": self.email, "password": "password123"})
        self.token = login["access_token"]

    def before_a_call(self) -> None:
        self.new_user()

    def request(self, method: str, path: str, body: Any = None, params=None) -> dict:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {getattr(self, 'token', '')}"}
        path, _, query = path.partition("?")
        resource = path if not params else path.rsplit("/", 1)[0] + "/{call_id}"
        raw = json.dumps(body).encode() if body is not None else b""
        # Many people, each from their own address: registrations are limited per address.
        self._addresses += 1
        address = f"10.{self._addresses >> 16 & 255}.{self._addresses >> 8 & 255}.{self._addresses & 255}"
        return self._event(resource, self._request(method, path, query, headers, raw, address), params or {})

    def invoke(self, function: str, event: dict) -> dict:
        import importlib

        return importlib.import_module(f"functions.{function}.app").app(event, self._context(function))

    def call(self, function: str, method: str, path: str, body: Any = None) -> dict:
        response = self.invoke(function, self.request(method, path, body))
        assert response["statusCode"] < 300, response
        return json.loads(response["body"])

    def call_page(self, cursor: str | None) -> dict:
        return self.call("call_history", "GET", "/api/calls/history?limit=20" + (f"&cursor={cursor}" if cursor else ""))

    def new_call(self) -> str:
        self.before_a_call()
        return self.call("initiate_call", "POST", "/api/calls/initiate", {"phone_number": NUMBER})["call_id"]

    def event_for(self, function: str) -> dict:
        """A real request for `function`, with what it acts on made first (a user, a call)."""
        builders: dict[str, Callable[[], dict]] = {
            "initiate_call": self._initiate_event,
            "terminate_call": lambda: self.request("POST", "/api/calls/terminate", {"call_id": self.new_call()}),
            "get_call": self._get_call_event,
            "answer_call": lambda: self.request(
                "POST", "/api/calls/answer", {"call_id": self.new_call(), "sdp_answer": _answer_sdp()}
            ),
            "create_contact": self._create_contact_event,
            "register": lambda: self.request(
                "POST",
                "/api/auth/register",
                {"email": f"cold-{uuid.uuid4().hex[:12]}@example.com", "password": "password123"},
            ),
            "login": self._login_event,
        }
        if function in builders:
            return builders[function]()
        paths = {
            "health": ("GET", "/api/health"),
            "call_history": ("GET", "/api/calls/history"),
            "voice_token": ("GET", "/api/voice/token"),
            "live_calls": ("GET", "/api/calls/live"),
            "list_contacts": ("GET", "/api/contacts"),
        }
        method, path = paths[function]
        return self.request(method, path)

    def _initiate_event(self) -> dict:
        self.before_a_call()
        return self.request("POST", "/api/calls/initiate", {"phone_number": NUMBER})

    def _get_call_event(self) -> dict:
        call_id = self.new_call()
        return self.request("GET", f"/api/calls/{call_id}", params={"call_id": call_id})

    def _create_contact_event(self) -> dict:
        self.new_user()  # a number is one contact per user
        return self.request("POST", "/api/contacts", {"name": "Cold Start", "phone_number": NUMBER})

    def _login_event(self) -> dict:
        self.token = ""
        event = self.request("POST", "/api/auth/login", {"email": self.email, "password": "password123"})
        login = self.call("login", "POST", "/api/auth/login", {"email": self.email, "password": "password123"})
        self.token = login["access_token"]
        return event


def _answer_sdp() -> str:
    return (ROOT / "tests" / "fixtures" / "chromium_answer.sdp").open(newline="").read()


WARM = {
    "initiate": (
        "initiate_call",
        lambda api: api.event_for("initiate_call"),
    ),
    "answer": (
        "answer_call",
        lambda api: api.request("POST", "/api/calls/answer", {"call_id": api.new_call(), "sdp_answer": _answer_sdp()}),
    ),
    "terminate": (
        "terminate_call",
        lambda api: api.request("POST", "/api/calls/terminate", {"call_id": api.new_call()}),
    ),
    "history": ("call_history", lambda api: api.request("GET", "/api/calls/history")),
}


def _fresh(params: dict) -> dict:
    """Parameters for replaying a write without colliding with the row the measured request made."""
    replaced = dict(params)
    for key in ("call_id", "key"):
        if isinstance(replaced.get(key), uuid.UUID) and "phone_number" in replaced:
            replaced[key] = uuid.uuid4()
    if "session_id" in replaced and "phone_number" in replaced:
        replaced["session_id"] = "sess_" + uuid.uuid4().hex
        replaced["provider_call_id"] = "mock-" + uuid.uuid4().hex
    return replaced


def warm_overhead(api: Api, runs: int) -> dict[str, dict]:
    from calls_platform import bootstrap
    from calls_platform.adapters.postgres.database import open_connection
    from tests.support.recording import recording

    container = bootstrap.container()
    raw = open_connection(container.db_settings())
    dynamodb = container.aws.client("dynamodb")
    prepared: dict[str, Any] = {}
    results = {}
    for name, (function, make_event) in WARM.items():
        api.invoke(function, make_event(api))  # warm this function's path
        measured, floor = [], []
        for _ in range(runs):
            event = make_event(api)
            with recording(container) as recorder:
                started = time.perf_counter()
                response = api.invoke(function, event)
                measured.append(time.perf_counter() - started)
            assert response["statusCode"] < 300, response
            for sql, _ in recorder.sql:  # the floor prepares its statements too, untimed, as a driver would
                prepared.setdefault(sql, raw.prepare(sql))
            started = time.perf_counter()
            for sql, params in recorder.sql:
                prepared[sql].run(**_fresh(params))
            for _service, operation, params in recorder.aws:
                getattr(dynamodb, _snake(operation))(**params)
            floor.append(time.perf_counter() - started)
        results[name] = {
            "median_ms": median_ms(measured),
            "floor_ms": median_ms(floor),
            "ratio": round(statistics.median(measured) / statistics.median(floor), 2),
            "round_trips": recorder.count(),
        }
    raw.close()
    return results


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


# ---- history at scale, password hashing ---------------------------------------------------------------------


def history_at_scale(api: Api, runs: int) -> dict[str, Any]:
    import pg8000.native

    from calls_platform import bootstrap

    settings = bootstrap.container().db_settings()
    raw = pg8000.native.Connection(
        settings.user,
        host=settings.host,
        port=settings.port,
        password=settings.password,
        database=settings.database,
        ssl_context=False,
        timeout=900,
    )  # a bulk load
    [[user_id]] = raw.run("SELECT user_id FROM users WHERE email = :e", e=api.email)
    raw.run("DELETE FROM calls")
    _bulk(raw, user_id, 1_000, mine_every=1, offset_s=0)
    small = _time_pages(api, runs)
    started = time.perf_counter()
    _bulk(raw, user_id, 999_000, mine_every=10, offset_s=10_000)  # a million in all; a tenth of them this user's
    load_s = time.perf_counter() - started
    large = _time_pages(api, runs)
    count = raw.run("SELECT count(*) FROM calls")[0][0]
    raw.close()
    return {
        "rows_small": 1_000,
        "rows_large": count,
        "bulk_load_s": round(load_s, 1),
        "first_page_ms": {"small": small[0], "large": large[0], "ratio": round(large[0] / small[0], 2)},
        "deep_page_ms": {"small": small[1], "large": large[1], "ratio": round(large[1] / small[1], 2)},
    }


def _bulk(raw: Any, user_id: Any, rows: int, mine_every: int, offset_s: int) -> None:
    """Calls loaded in one generate_series statement: every `mine_every`-th the user's, the rest others'."""
    others = [
        str(row[0])
        for row in raw.run(
            "INSERT INTO users (email, password_hash) SELECT 'bulk-' || gen_random_uuid() || '@example.com',"
            " '$argon2id$bulk' FROM generate_series(1, 50) RETURNING user_id"
        )
    ]
    raw.run(
        "INSERT INTO calls (call_id, user_id, phone_number, status, start_time, end_time, duration, end_reason)"
        " SELECT gen_random_uuid(),"
        " CASE WHEN i % :every = 0 THEN CAST(:me AS uuid) ELSE (CAST(:others AS uuid[]))[1 + i % 50] END,"
        " '+491512345678', 'completed', now() - make_interval(secs => i + :offset),"
        " now() - make_interval(secs => i + :offset), 0, 'caller_hung_up'"
        " FROM generate_series(1, :rows) i",
        every=mine_every,
        me=str(user_id),
        others=others,
        rows=rows,
        offset=offset_s,
    )
    # Steady state, as a table that grew over months is: vacuumed, analysed, its dirty pages written out, so
    # no autovacuum worker or checkpoint competes for the two cores while pages are timed.
    raw.run("VACUUM ANALYZE calls")
    raw.run("CHECKPOINT")


def _time_pages(api: Api, runs: int) -> tuple[float, float]:
    first, deep = [], []
    page = api.call("call_history", "GET", "/api/calls/history?limit=20")
    for _ in range(24):  # walk ~500 calls deep for the deep page's cursor
        page = api.call_page(page["next_cursor"])
    cursor = page["next_cursor"]
    for _ in range(5):  # warm-up
        api.call_page(None)
    for _ in range(runs):
        started = time.perf_counter()
        api.call_page(None)
        first.append(time.perf_counter() - started)
        started = time.perf_counter()
        api.call_page(cursor)
        deep.append(time.perf_counter() - started)
    return median_ms(first), median_ms(deep)


def password_hashing(runs: int) -> dict[str, float]:
    from calls_platform.adapters.passwords import Argon2Passwords

    hasher = Argon2Passwords()
    hashed, hashes, verifies = hasher.hash("password123"), [], []
    for _ in range(runs):
        started = time.perf_counter()
        hasher.hash("password123")
        hashes.append(time.perf_counter() - started)
        started = time.perf_counter()
        hasher.verify(hashed, "password123")
        verifies.append(time.perf_counter() - started)
    return {"hash_ms": median_ms(hashes), "verify_ms": median_ms(verifies), "params": "argon2id m=19MiB t=2 p=1"}


# ---- the run ---------------------------------------------------------------------------------------------


def media_echo(stack: Any, quick: bool) -> dict[str, Any]:
    """The echo round trip through mock mode's media peer beside a bare aiortc relay (benchmarks/media_echo.py)."""
    from benchmarks.media_echo import measure

    return {**measure(stack.media.url, rounds=1 if quick else 3, bursts=8), "machine": machine()}


def as_deployed[T](measure: Callable[[], T]) -> T:
    """`measure` in mock mode as deployed: without the local media peer (a development service: its own aiortc
    process, sharing the cores), so initiate synthesizes its offer and nothing is dialled or hung up over HTTP.
    Neither floor makes those round trips, and no deployed function does (Twilio mode's are Twilio's)."""
    with _without_media_peer():
        return measure()


@contextlib.contextmanager
def _without_media_peer() -> Iterator[None]:
    from calls_platform import bootstrap

    url = os.environ.pop("MEDIA_PEER_URL", None)
    bootstrap.reset()  # the bench's own wiring, and every probe process it starts, see no media peer
    try:
        yield
    finally:
        if url is not None:
            os.environ["MEDIA_PEER_URL"] = url
        bootstrap.reset()


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> int:
    from infra.local_aws import free_port
    from infra.settings import LOCAL_DIR, LocalSettings
    from infra.stack import LocalStack

    quick = os.environ.get("BENCH_QUICK") == "1"
    os.environ.setdefault("JWT_SECRET", "bench-secret-that-is-long-enough-for-hs256-0123456789")
    os.environ["VOIP_PROVIDER"] = "mock"
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"  # keep the output readable; EMF lines cost ~0.1 ms
    for name in ("AWS_ENDPOINT_URL", "LOCALSTACK_HOST"):
        os.environ.pop(name, None)
    stack = LocalStack(LocalSettings.from_env(), pg_datadir=LOCAL_DIR / "bench-pgdata", pg_port=free_port()).start()
    try:
        import logging

        logging.disable(logging.INFO)  # log lines would be measured as well; Lambda ships them asynchronously
        api = Api()
        # BENCH_ONLY=media_echo (comma-separated sections) re-takes those and keeps the other figures of the last run.
        only = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
        results: dict[str, Any] = json.loads(RESULTS.read_text()) if only else {"machine": machine()}
        sections = {
            "cold_start": lambda: as_deployed(lambda: cold_start_runs(api, 3 if quick else 11)),
            "warm": lambda: as_deployed(lambda: warm_overhead(api, 10 if quick else 40)),
            "history_at_scale": lambda: history_at_scale(api, 10 if quick else 30),
            "password_hashing": lambda: password_hashing(3 if quick else 7),
            "media_echo": lambda: media_echo(stack, quick),
        }
        only = os.environ.get("BENCH_ONLY")  # e.g. cold_start: that section, merged into the last results
        if only:
            results = {**json.loads(RESULTS.read_text()), "machine": machine()} if RESULTS.exists() else results
            sections = {only: sections[only]}
        for name, measure in sections.items():
            if only and name not in only:
                continue
            results[name] = measure()
            PARTIAL.write_text(json.dumps(results, indent=2) + "\n")  # a long run keeps what it measured
    finally:
        stack.stop()
        from infra.embedded_postgres import EmbeddedPostgres

        EmbeddedPostgres(LOCAL_DIR / "bench-pgdata", 0, "", "", "").wipe()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def print_table(results: dict) -> None:
    print(f"\nmachine: {results['machine']}")
    for way, rows in results["cold_start"].items():
        print(f"\ncold start, {way} (fresh process: import + first request)   ms   floor ms   ratio   min ratio")
        for name, row in rows.items():
            print(f"  {name:<50} {row['ms']:>6} {row['floor_ms']:>9} {row['ratio']:>7} {row['min_ratio']:>9}")
    print("\nwarm request (in-process handler)   median ms   floor ms   ratio (goal <= 1.5)   round trips")
    for name, row in results["warm"].items():
        print(f"  {name:<33} {row['median_ms']:>9} {row['floor_ms']:>9} {row['ratio']:>7}   {row['round_trips']}")
    scale = results["history_at_scale"]
    print(f"\nhistory page, {scale['rows_small']:,} vs {scale['rows_large']:,} calls (goal ratio <= 1.5)")
    for page in ("first_page_ms", "deep_page_ms"):
        row = scale[page]
        print(f"  {page:<20} {row['small']:>8} ms {row['large']:>8} ms   ratio {row['ratio']}")
    hashing = results["password_hashing"]
    print(f"\npassword hashing ({hashing['params']}): hash {hashing['hash_ms']} ms, verify {hashing['verify_ms']} ms")
    echo = results["media_echo"]
    print(f"\necho round trip through the mock media peer, loopback ({echo['goal']}; {echo['samples']} bursts)")
    print(f"  median {echo['median_ms']} ms, p95 {echo['p95_ms']} ms; bare aiortc relay (floor) median")
    print(f"  {echo['floor_median_ms']} ms, p95 {echo['floor_p95_ms']} ms; ratio {echo['ratio']}")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
