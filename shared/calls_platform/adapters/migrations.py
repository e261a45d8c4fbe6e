"""Schema migrations: `NNN_name.sql` files applied in order, each exactly once, recorded with a checksum.

Runs on its own connection (not the request connection, which reconnects and retries): a migration and its
record commit together or not at all, and a session advisory lock keeps concurrent runners in single file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from pg8000.exceptions import DatabaseError

from calls_platform.adapters.postgres.database import DbSettings, open_connection

log = logging.getLogger(__name__)

LOCK_KEY = 0x43414C4C53  # "CALLS": one advisory lock id for every migration runner of this schema
_NAME = re.compile(r"(\d{3})_([a-z0-9_]+)\.sql")


class MigrationError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Migration:
    version: int
    filename: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path) -> list[Migration]:
    if not directory.is_dir():
        raise MigrationError(f"migrations directory not found: {directory}")
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.fullmatch(path.name)
        if not match:
            raise MigrationError(f"migration file name must look like 001_name.sql: {path.name}")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"two migrations share version {version:03d}: {found[version].filename}, {path.name}")
        found[version] = Migration(version, path.name, path.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def apply_migrations(conn: Any, migrations: list[Migration]) -> list[str]:
    """Apply what is new; returns the file names applied now. Refuses a changed, already-applied file."""
    conn.run("SELECT pg_advisory_lock(:key)", key=LOCK_KEY)
    try:
        conn.run(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, filename text NOT NULL,"
            " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = {
            row[0]: (row[1], row[2]) for row in conn.run("SELECT version, filename, checksum FROM schema_migrations")
        }
        done = []
        for migration in migrations:
            if migration.version in applied:
                _check_unchanged(migration, *applied[migration.version])
                continue
            _apply_one(conn, migration)
            done.append(migration.filename)
        return done
    finally:
        conn.run("SELECT pg_advisory_unlock(:key)", key=LOCK_KEY)


def _check_unchanged(migration: Migration, filename: str, checksum: str) -> None:
    if checksum != migration.checksum:
        raise MigrationError(
            f"migration {migration.filename} was changed after it was applied (as {filename}): "
            "add a new migration instead of editing an applied one"
        )


def _apply_one(conn: Any, migration: Migration) -> None:
    conn.run("START TRANSACTION")
    try:
        conn.run(migration.sql)
        conn.run(
            "INSERT INTO schema_migrations (version, filename, checksum) VALUES (:v, :f, :c)",
            v=migration.version,
            f=migration.filename,
            c=migration.checksum,
        )
        conn.run("COMMIT")
    except DatabaseError as error:
        conn.run("ROLLBACK")
        detail = error.args[0].get("M", str(error)) if error.args and isinstance(error.args[0], dict) else str(error)
        raise MigrationError(f"migration {migration.filename} failed: {detail}") from error
    log.info("migration applied", extra={"migration": migration.filename})


def migrate_database(settings: DbSettings, directory: Path) -> dict[str, Any]:
    """Apply what is new in `directory` on a connection of its own: the files applied now, of how many."""
    migrations = discover(directory)
    conn = open_connection(settings)
    try:
        applied = apply_migrations(conn, migrations)
    finally:
        conn.close()
    return {"applied": applied, "total": len(migrations)}
