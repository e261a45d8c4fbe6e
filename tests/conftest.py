"""The test stack: a real Postgres (embedded, or POSTGRES_* when set) and moto server as AWS.

Started once per session; each test that touches storage gets empty tables and fresh wiring.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local_aws import free_port
from infra.settings import LocalSettings
from infra.stack import SESSIONS_TABLE, LocalStack

ROOT = Path(__file__).resolve().parents[1]
TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    os.environ.setdefault("JWT_SECRET", TEST_JWT_SECRET)
    os.environ["VOIP_PROVIDER"] = "mock"
    os.environ["SECRETS_REFRESH_SECONDS"] = "1"
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
