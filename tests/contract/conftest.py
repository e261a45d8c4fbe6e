"""The contract suite needs Postgres and nothing else: a server of its own (the embedded one, or POSTGRES_* when
set), migrated as deployed, without the whole local stack (no moto, no media peer), so `make unit` stays fast."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from calls_platform.adapters.migrations import migrate_database
from calls_platform.adapters.postgres.database import Database, DbSettings
from infra.local_aws import free_port
from infra.settings import ROOT, LocalSettings


@pytest.fixture(scope="session")
def postgres_only() -> Iterator[DbSettings]:
    s = LocalSettings.from_env()
    if s.postgres_host:
        yield DbSettings(s.postgres_host, s.postgres_port, s.postgres_user, s.postgres_password, s.postgres_db,
                         s.postgres_sslmode)  # fmt: skip
        return
    from infra.embedded_postgres import EmbeddedPostgres

    server = EmbeddedPostgres(
        ROOT / ".local" / f"contract-pgdata-{os.getpid()}", free_port(), s.postgres_user, s.postgres_password,
        s.postgres_db,
    )  # fmt: skip
    server.start()
    try:
        settings = DbSettings("127.0.0.1", server.port, s.postgres_user, s.postgres_password, s.postgres_db, "disable")
        migrate_database(settings, ROOT / "migrations")
        yield settings
    finally:
        server.stop()
        server.wipe()


@pytest.fixture
def contract_db(postgres_only: DbSettings) -> Iterator[Database]:
    """Empty tables on a connection of this test's own."""
    database = Database(lambda fresh: postgres_only)
    database.run("TRUNCATE users, calls CASCADE")
    yield database
    database.close()
