"""The test stack: a real Postgres (embedded, or POSTGRES_* when set) and moto server as AWS.

Started once per session; each test that touches storage gets empty tables and fresh wiring.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import threading
import uuid
from collections.abc import Iterator

import pytest
from chalice.test import Client

from infra.gateway import concurrent_gateway, http_server
from infra.local_aws import free_port
from infra.settings import ROOT, LocalSettings
from infra.stack import SESSIONS_TABLE, LocalStack

TEST_JWT_SECRET = secrets.token_urlsafe(48)  # random, as the start-up check demands of every secret

# Each folder of tests/ is one scope, marked by its name (registered in pyproject.toml); `make unit` runs
# `-m "unit or contract"`.
SCOPES = ("unit", "contract", "integration", "functions", "twilio", "security", "performance", "e2e", "deploy")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests_dir = ROOT / "tests"
    for item in items:
        parts = item.path.relative_to(tests_dir).parts
        if len(parts) > 1 and parts[0] in SCOPES:
            item.add_marker(parts[0])


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    os.environ.setdefault("JWT_SECRET", TEST_JWT_SECRET)
    os.environ["VOIP_PROVIDER"] = "mock"
    os.environ["SECRETS_REFRESH_SECONDS"] = "1"
    # Most tests place several calls per user from one address; the tests of these limits set their own.
    os.environ.setdefault("MAX_LIVE_CALLS_PER_USER", "100")
    os.environ.setdefault("REGISTRATIONS_PER_ADDRESS_PER_HOUR", "1000")
    for name in ("AWS_ENDPOINT_URL", "LOCALSTACK_HOST"):
        os.environ.pop(name, None)  # tests always use their own moto server, never a shared endpoint
    settings = LocalSettings.from_env()
    datadir = ROOT / ".local" / f"test-pgdata-{os.getpid()}"
    local = LocalStack(settings, pg_datadir=datadir, pg_port=free_port())
    local.start()
    try:
        yield local
    finally:
        local.stop()
        if local.settings.postgres_host is None:
            from infra.embedded_postgres import EmbeddedPostgres

            EmbeddedPostgres(datadir, 0, "", "", "").wipe()


@pytest.fixture
def db(stack: LocalStack):
    """A clean database and fresh wiring for one test; yields the wired Database."""
    from calls_platform import bootstrap

    bootstrap.reset()
    database = bootstrap.container().database
    # A connection an earlier test's containers left behind must not hold up the truncate (it waits for every
    # lock on the tables); it is gone anyway once that test ended, and its owner reconnects if it comes back.
    database.run(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )
    database.run("TRUNCATE users, calls CASCADE")
    yield database
    bootstrap.reset()


@pytest.fixture
def dynamodb(stack: LocalStack):
    import boto3

    return boto3.session.Session().client("dynamodb")


def session_ids(dynamodb) -> set[str]:
    items = dynamodb.scan(TableName=SESSIONS_TABLE)["Items"]
    return {item["session_id"]["S"] for item in items}


def unique_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


class Endpoint:
    def __init__(self, name: str) -> None:
        self.app = importlib.import_module(f"functions.{name}.app").app

    def call(self, method: str, path: str, body=None, token: str | None = None, headers=None, raw=None):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        with Client(self.app) as client:
            response = getattr(client.http, method.lower())(path, headers=sent, body=payload)
        response.json = json.loads(response.body) if response.body else None
        return response


@pytest.fixture
def endpoint(db):
    return Endpoint


@pytest.fixture
def user(endpoint, db):
    """A registered user and a valid access token."""
    email, password = unique_email(), "password123"
    assert (
        endpoint("register").call("POST", "/api/auth/register", {"email": email, "password": password}).status_code
        == 201
    )
    # Verified, as if its link was followed (Twilio mode calls only from verified accounts; tests/e2e/test_accounts.py
    # follows the link itself).
    db.run("UPDATE users SET email_verified_at = now() WHERE email_key = :key", key=email.lower())
    token = (
        endpoint("login").call("POST", "/api/auth/login", {"email": email, "password": password}).json["access_token"]
    )
    return {"email": email, "password": password, "token": token}


def assert_error(response, status: int, error_type: str, message_part: str = "") -> None:
    assert response.status_code == status, response.body
    assert set(response.json) == {"error", "message"}
    assert response.json["error"] == error_type
    assert message_part in response.json["message"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Limits are per window; a test starts with none spent (only where the stack is up)."""
    if "stack" not in request.fixturenames and "db" not in request.fixturenames:
        yield
        return
    import boto3

    from infra.stack import RATE_LIMIT_TABLE

    client = boto3.session.Session().client("dynamodb")
    for item in client.scan(
        TableName=RATE_LIMIT_TABLE, ProjectionExpression="#k", ExpressionAttributeNames={"#k": "key"}
    )["Items"]:
        client.delete_item(TableName=RATE_LIMIT_TABLE, Key={"key": item["key"]})
    yield


@pytest.fixture
def base_url(db):
    """The local API Gateway over real HTTP, serving every function as `make run` does: each request in
    a warm worker process of its own, concurrently, as on Lambda."""
    gateway = concurrent_gateway()
    server = http_server(gateway, "127.0.0.1", free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    gateway.close()
