"""`make migrate`: apply new migrations to the database `make run` uses, without serving.

That is POSTGRES_* when POSTGRES_HOST is set, the embedded server in .local/ otherwise: used as it is
while `make run` runs, started for the migration (and stopped after) when it does not. The settings take
the path the functions take (a database secret in RDS's shape), and the migrations run through the
migration function's own code.
"""

from __future__ import annotations

import json
import sys

from calls_platform.adapters.migrations import MigrationError, migrate_database
from calls_platform.adapters.postgres.database import DbSettings
from calls_platform.adapters.secrets import db_settings
from calls_platform.domain.errors import ServiceUnavailable
from infra.embedded_postgres import EmbeddedPostgres
from infra.settings import ROOT, LocalSettings, load_dotenv
from infra.stack import LocalStack


def _say(level: str, message: str, **fields: object) -> None:
    print(json.dumps({"level": level, "message": message, "logger": "make-migrate", **fields}), flush=True)


def _idle_embedded_server(stack: LocalStack) -> EmbeddedPostgres | None:
    """The embedded server when it is configured and not already running (then this run starts it)."""
    if stack.settings.postgres_host:
        return None
    s = stack.settings
    server = EmbeddedPostgres(stack.pg_datadir, stack.pg_port, s.postgres_user, s.postgres_password, s.postgres_db)
    return None if server.running() else server


def migrate(stack: LocalStack) -> dict[str, object]:
    from functions.migrate.app import migrations_dir

    settings: DbSettings = db_settings(stack.db_secret())
    server = _idle_embedded_server(stack)
    if server is not None:
        server.start()
    try:
        return migrate_database(settings, migrations_dir())
    finally:
        if server is not None:
            server.stop()


def main() -> int:
    load_dotenv(ROOT / ".env")
    stack = LocalStack(LocalSettings.from_env())
    try:
        result = migrate(stack)
    except (MigrationError, ServiceUnavailable) as error:  # a bad file, or no database to reach
        _say("ERROR", "migrations failed", error=str(error))
        return 1
    _say("INFO", "migrations applied", database=f"{stack.db_host}:{stack.db_port}", **result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
