"""Schema migrations: `NNN_name.sql` files applied in order, each exactly once, recorded with a checksum.

Runs on its own connection (not the request connection, which reconnects and retries) with its own limits
(`Limits`: a generous statement_timeout, a short lock_timeout), and a session advisory lock keeps concurrent
runners in single file. A migration and its record commit together, or not at all, unless the file says
otherwise on a line of its own (docs/deploying.md, "Writing a migration"):
- `-- migrate: no-transaction`: each statement on its own, outside a transaction, as
  `CREATE INDEX CONCURRENTLY` must be; the record is written once all succeeded, so write them rerunnable.
- `-- migrate: repeat-until-done`: a batched backfill; each statement (an UPDATE of at most N rows) is run
  again, each time in its own transaction, until it changes no row.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pg8000.exceptions import DatabaseError

from calls_platform.adapters.postgres.database import DbSettings, open_connection, sqlstate

log = logging.getLogger(__name__)

LOCK_KEY = 0x43414C4C53  # "CALLS": one advisory lock id for every migration runner of this schema
_NAME = re.compile(r"(\d{3})_([a-z0-9_]+)\.sql")
NO_TRANSACTION = "-- migrate: no-transaction"
REPEAT_UNTIL_DONE = "-- migrate: repeat-until-done"
_STATEMENT_END = re.compile(r";[ \t]*$", re.MULTILINE)
_LOCK_NOT_AVAILABLE = "55P03"


@dataclasses.dataclass(frozen=True)
class Limits:
    """The runner's limits, not a request's (whose statement_timeout is 5 s).

    statement_timeout: an index on a large table takes minutes; below the function's Timeout (template),
    so a stuck statement fails with its reason instead of the function being cut off without an answer.
    lock_timeout: DDL waiting for a lock blocks every query queued behind it, so it gives up quickly and
    is tried again (`lock_tries` times in all, `retry_pause_s` apart, doubling), never holding writes up long.
    runner_wait: how long to wait for another runner's advisory lock (it may be building an index).
    """

    statement_timeout_ms: int = 600_000
    lock_timeout_ms: int = 3_000
    lock_tries: int = 3
    retry_pause_s: float = 1.0
    runner_wait_ms: int = 600_000


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

    @property
    def repeats(self) -> bool:
        return REPEAT_UNTIL_DONE in self.sql.splitlines()

    @property
    def transactional(self) -> bool:
        return NO_TRANSACTION not in self.sql.splitlines() and not self.repeats

    def statements(self) -> list[str]:
        """The file's statements, split where a line ends with `;` (comment-only pieces dropped)."""
        pieces = (piece.strip() for piece in _STATEMENT_END.split(self.sql))
        return [p for p in pieces if any(line.strip() and not line.strip().startswith("--") for line in p.splitlines())]


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


def apply_migrations(conn: Any, migrations: list[Migration], limits: Limits = Limits()) -> list[str]:
    """Apply what is new; returns the file names applied now. Refuses a changed, already-applied file."""
    conn.run(f"SET statement_timeout = {int(limits.statement_timeout_ms)}")
    conn.run(f"SET lock_timeout = {int(limits.runner_wait_ms)}")
    conn.run("SELECT pg_advisory_lock(:key)", key=LOCK_KEY)
    conn.run(f"SET lock_timeout = {int(limits.lock_timeout_ms)}")
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
            _apply_one(conn, migration, limits)
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


def _apply_one(conn: Any, migration: Migration, limits: Limits) -> None:
    try:
        if migration.transactional:
            _with_lock_retries(conn, limits, lambda: _in_transaction(conn, migration))
        else:
            for statement in migration.statements():
                _with_lock_retries(conn, limits, functools.partial(_outside_transaction, conn, statement, migration))
            _record(conn, migration)
    except DatabaseError as error:
        detail = error.args[0].get("M", str(error)) if error.args and isinstance(error.args[0], dict) else str(error)
        if sqlstate(error) == _LOCK_NOT_AVAILABLE:
            detail += f" ({limits.lock_tries} tries: a long transaction holds a table this migration changes)"
        raise MigrationError(f"migration {migration.filename} failed: {detail}") from error
    log.info("migration applied", extra={"migration": migration.filename})


def _with_lock_retries(conn: Any, limits: Limits, work: Callable[[], None]) -> None:
    pause = limits.retry_pause_s
    for attempt in range(1, limits.lock_tries + 1):
        try:
            work()
            return
        except DatabaseError as error:
            if sqlstate(error) != _LOCK_NOT_AVAILABLE or attempt == limits.lock_tries:
                raise
            log.warning("migration waited past lock_timeout; trying again", extra={"attempt": attempt})
            time.sleep(pause)
            pause *= 2


def _in_transaction(conn: Any, migration: Migration) -> None:
    conn.run("START TRANSACTION")
    try:
        conn.run(migration.sql)
        _record(conn, migration)
        conn.run("COMMIT")
    except DatabaseError:
        conn.run("ROLLBACK")
        raise


def _outside_transaction(conn: Any, statement: str, migration: Migration) -> None:
    """One statement in autocommit; a repeat-until-done one again and again, until it changes no row."""
    batches = 0
    while True:
        conn.run(statement)
        batches += 1
        if not migration.repeats or not conn.row_count:
            break
    if migration.repeats:
        log.info("backfill done", extra={"migration": migration.filename, "batches": batches})


def _record(conn: Any, migration: Migration) -> None:
    conn.run(
        "INSERT INTO schema_migrations (version, filename, checksum) VALUES (:v, :f, :c)",
        v=migration.version,
        f=migration.filename,
        c=migration.checksum,
    )


def migrate_database(settings: DbSettings, directory: Path, limits: Limits = Limits()) -> dict[str, Any]:
    """Apply what is new in `directory` on a connection of its own: the files applied now, of how many."""
    migrations = discover(directory)
    conn = open_connection(settings, statement_timeout_ms=limits.statement_timeout_ms)
    try:
        applied = apply_migrations(conn, migrations, limits)
    finally:
        conn.close()
    return {"applied": applied, "total": len(migrations)}
