"""The per-container connection survives the server dropping it, and fails fast while it is down."""

import time

import pytest

from calls_platform.adapters.postgres.database import Database, open_connection
from calls_platform.domain.errors import ServiceUnavailable


def test_a_connection_killed_by_the_server_is_replaced_on_the_next_statement(db, stack):
    from calls_platform import bootstrap

    [[pid]] = db.run("SELECT pg_backend_pid()")
    admin = open_connection(bootstrap.container().db_settings())
    admin.run("SELECT pg_terminate_backend(:pid)", pid=pid)
    admin.close()
    assert db.run("SELECT 1") == [[1]]
    [[new_pid]] = db.run("SELECT pg_backend_pid()")
    assert new_pid != pid


def test_unreachable_database_is_service_unavailable_quickly(stack):
    from calls_platform.adapters.postgres.database import DbSettings

    closed = DbSettings("127.0.0.1", 9, "postgres", "x", "calls_platform", sslmode="disable")
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="database unavailable"):
        Database(lambda refresh: closed).run("SELECT 1")
    assert time.monotonic() - started < 5


def test_server_restart(db, stack):
    """Stop the real server: requests get 503; start it: the same Database serves again."""
    if stack.postgres is None:
        pytest.skip("POSTGRES_HOST points at a server these tests do not own")
    assert db.run("SELECT 1") == [[1]]
    stack.postgres.stop()
    try:
        with pytest.raises(ServiceUnavailable):
            db.run("SELECT 1")
    finally:
        stack.postgres.start()
    assert db.run("SELECT 1") == [[1]]


def test_a_statement_is_prepared_from_its_second_run_on_a_connection(stack):
    """Preparing costs a round trip of its own: a statement run once on a connection (a cold container's
    first request) is sent unnamed; its second run prepares it, and the third reuses what the second made."""
    from calls_platform import bootstrap

    database = Database(lambda refresh: bootstrap.container().db_settings())
    prepared = "SELECT count(*) FROM pg_prepared_statements"  # run unnamed: it takes no parameters
    sql = "SELECT :n::int + 1 AS next"
    assert database.records(sql, n=1) == [{"next": 2}]
    assert database.run(prepared) == [[0]]
    assert database.records(sql, n=2) == [{"next": 3}]
    assert database.run(prepared) == [[1]]
    assert database.records(sql, n=3) == [{"next": 4}]
    assert database.run(prepared) == [[1]]
    database.close()
