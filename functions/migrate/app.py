"""The one-off migration function: applies `migrations/NNN_name.sql` in order, each exactly once.

Invoke it by hand (`make migrate`, `sam remote invoke MigrateFunction`) or from the deploy.
"""

import os
from pathlib import Path

from calls_platform import bootstrap
from calls_platform.adapters.migrations import apply_migrations, discover
from calls_platform.adapters.postgres import open_connection


def migrations_dir() -> Path:
    """Found wherever the function runs: beside this file when deployed, the repository's otherwise."""
    if os.environ.get("MIGRATIONS_DIR"):
        return Path(os.environ["MIGRATIONS_DIR"])
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parents[1] / "migrations"):
        if candidate.is_dir():
            return candidate
    return here / "migrations"


def handler(event: dict, context: object) -> dict:
    migrations = discover(migrations_dir())
    conn = open_connection(bootstrap.container().db_settings())
    try:
        applied = apply_migrations(conn, migrations)
    finally:
        conn.close()
    return {"applied": applied, "total": len(migrations)}
