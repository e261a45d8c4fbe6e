"""One Postgres connection per Lambda container (pg8000), reconnected when the server drops it."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import ssl
from collections.abc import Callable
from typing import Any

import certifi
import pg8000.native
from pg8000.exceptions import DatabaseError, InterfaceError

from calls_platform.domain.errors import ServiceUnavailable

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 5000
# SQLSTATEs that mean "this connection is gone or the server is not serving", not "this statement is wrong".
_CONNECTION_STATES = {"57P01", "57P02", "57P03", "08000", "08003", "08006"}
_BAD_PASSWORD_STATES = {"28P01", "28000"}
_STATEMENT_TIMEOUT = "57014"


@dataclasses.dataclass(frozen=True)
class DbSettings:
    host: str
    port: int
    user: str
    password: str
    database: str
    sslmode: str = "verify-full"  # disable | require | verify-full
    ca_file: str | None = None

    def ssl_context(self) -> ssl.SSLContext | bool:
        if self.sslmode == "disable":
            return False
        if self.sslmode == "require":
            return True  # encrypted, not verified: pg8000's meaning of True
        # verify-full: RDS Proxy presents an Amazon Trust Services certificate, which certifi's bundle trusts;
        # for a direct RDS connection point DB_CA_FILE at the RDS CA bundle.
        return ssl.create_default_context(cafile=self.ca_file or certifi.where())


def sqlstate(error: DatabaseError) -> str:
    detail = error.args[0] if error.args else None
    return detail.get("C", "") if isinstance(detail, dict) else ""


def constraint(error: DatabaseError) -> str:
    """The name of the constraint (or unique index) a statement violated, if Postgres said."""
    detail = error.args[0] if error.args else None
    return detail.get("n", "") if isinstance(detail, dict) else ""


def open_connection(settings: DbSettings, statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> pg8000.native.Connection:
    """A new connection with bounded connect and statement times (a request's by default; the migration
    runner asks for its own); ServiceUnavailable if none can be had."""
    try:
        return pg8000.native.Connection(
            user=settings.user,
            password=settings.password,
            host=settings.host,
            port=settings.port,
            database=settings.database,
            ssl_context=settings.ssl_context(),
            timeout=CONNECT_TIMEOUT_S + statement_timeout_ms / 1000,
            application_name="calls-platform",
            startup_params={"statement_timeout": str(statement_timeout_ms)},
        )
    except (InterfaceError, OSError) as error:
        raise ServiceUnavailable("database unavailable") from error


class Database:
    """Runs statements on a lazily opened connection.

    `settings(refresh)` returns connection settings; `refresh=True` asks for fresh ones (a rotated password).
    """

    def __init__(self, settings: Callable[[bool], DbSettings]) -> None:
        self._settings = settings
        self._conn: pg8000.native.Connection | None = None
        self._prepared: dict[str, Any] = {}  # SQL text -> server-side prepared statement on this connection
        self.statements = 0  # round trips, counted for tests and benchmarks
        self._columns: list[str] = []  # the names of the last statement's result columns

    def run(self, sql: str, **params: Any) -> list[list[Any]]:
        """Run one statement; on a dropped connection reconnect once and retry."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                self.statements += 1
                source: Any = conn if not params else self._statement(conn, sql)
                rows: list[list[Any]] = source.run(sql) if not params else source.run(**params)
                self._columns = [column["name"] for column in source.columns or ()]
                return rows
            except (InterfaceError, OSError) as error:
                self._drop()
                if attempt == 2:
                    raise ServiceUnavailable("database unavailable") from error
            except DatabaseError as error:
                state = sqlstate(error)
                if state == _STATEMENT_TIMEOUT:
                    raise ServiceUnavailable("database did not answer in time") from error
                if state not in _CONNECTION_STATES:
                    raise
                self._drop()
                if attempt == 2:
                    raise ServiceUnavailable("database unavailable") from error
        raise AssertionError("unreachable")

    def records(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """Run one statement; its rows keyed by column name (repositories read columns by name, never by
        position)."""
        rows = self.run(sql, **params)
        return [dict(zip(self._columns, row, strict=True)) for row in rows]

    def _statement(self, conn: pg8000.native.Connection, sql: str) -> Any:
        """Hot statements are parsed and planned once per connection (the SQL texts are a fixed, small set),
        from their second run on it: preparing costs a round trip of its own, which a statement run once (a
        cold container's first request, a function's only statement) would pay for nothing."""
        statement = self._prepared.get(sql)
        if statement is None:
            self._prepared[sql] = _Unprepared(conn, sql)
            return self._prepared[sql]
        if isinstance(statement, _Unprepared):
            statement = self._prepared[sql] = conn.prepare(sql)
        return statement

    def ping(self) -> None:
        self.run("SELECT 1")

    def close(self) -> None:
        self._drop()

    def _connection(self) -> pg8000.native.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _connect(self) -> pg8000.native.Connection:
        try:
            return open_connection(self._settings(False))
        except DatabaseError as error:
            if sqlstate(error) not in _BAD_PASSWORD_STATES:
                raise ServiceUnavailable("database unavailable") from error
            log.warning("database rejected the credentials; reloading them from the secret")
        try:
            return open_connection(self._settings(True))
        except (DatabaseError, InterfaceError, OSError) as error:
            raise ServiceUnavailable("database unavailable") from error

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._prepared.clear()
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


class _Unprepared:
    """A statement's first run on a connection: one unnamed round trip, shaped like a prepared statement."""

    def __init__(self, conn: pg8000.native.Connection, sql: str) -> None:
        self._conn, self._sql = conn, sql
        self.columns: Any = None

    def run(self, **params: Any) -> list[list[Any]]:
        rows: list[list[Any]] = self._conn.run(self._sql, **params)
        self.columns = self._conn.columns
        return rows
