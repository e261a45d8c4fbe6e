"""The migration function against the real server: order, exactly once, checksums, concurrency."""

import threading
from pathlib import Path

import pytest

from calls_platform import bootstrap
from calls_platform.adapters.migrations import MigrationError, apply_migrations, discover
from calls_platform.adapters.postgres.database import open_connection
from calls_platform.domain.users import email_skeleton
from functions.migrate import app as migrate_function
from infra.settings import ROOT
from tests.fakes.cloudformation import ResponseUrl

SCHEMA = "migration_test"


@pytest.fixture
def conn(stack):
    """A connection whose search_path is a scratch schema, so tests can migrate from nothing."""
    bootstrap.reset()
    connection = open_connection(bootstrap.container().db_settings())
    connection.run(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    connection.run(f"CREATE SCHEMA {SCHEMA}")
    connection.run(f"SET search_path TO {SCHEMA}")
    yield connection
    connection.run(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    connection.close()


def write(folder: Path, name: str, sql: str) -> None:
    (folder / name).write_text(sql)


def test_the_function_finds_the_projects_migrations_and_is_a_no_op_the_second_time(stack):
    bootstrap.reset()
    names = [m.filename for m in discover(migrate_function.migrations_dir())]
    assert migrate_function.handler({}, None) == {"applied": [], "total": len(names)}  # applied at stack start
    assert names[:3] == ["001_create_users.sql", "002_create_calls.sql", "003_add_webrtc_fields_to_calls.sql"]


def test_the_deploys_custom_resource_gets_success_from_the_function(stack):
    bootstrap.reset()
    cloudformation = ResponseUrl()
    try:
        answer = migrate_function.handler(cloudformation.request("Update"), None)
    finally:
        cloudformation.close()
    [sent] = cloudformation.received
    assert sent.body == answer
    assert answer["Status"] == "SUCCESS" and answer["Data"] == {"Applied": ""}  # applied at stack start


def test_a_failed_migration_fails_the_deploys_custom_resource(stack, tmp_path, monkeypatch):
    write(tmp_path, "999_broken.sql", "CREATE TABLE;")
    monkeypatch.setenv("MIGRATIONS_DIR", str(tmp_path))
    bootstrap.reset()
    cloudformation = ResponseUrl()
    try:
        answer = migrate_function.handler(cloudformation.request("Create"), None)
    finally:
        cloudformation.close()
    assert [sent.body["Status"] for sent in cloudformation.received] == ["FAILED"]
    assert answer["Reason"].startswith("migrations failed: migration 999_broken.sql failed")


def test_the_function_finds_its_files_from_any_working_directory(stack, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert migrate_function.migrations_dir().samefile(ROOT / "migrations")


def test_003_adds_the_webrtc_fields(db):
    columns = {
        row[0] for row in db.run("SELECT column_name FROM information_schema.columns WHERE table_name = 'calls'")
    }
    assert {"session_id", "sdp_offer", "sdp_answer"} <= columns


def test_applied_in_order_each_once(conn, tmp_path):
    write(tmp_path, "001_a.sql", "CREATE TABLE a (id int);")
    write(tmp_path, "002_b.sql", "INSERT INTO a VALUES (1);")
    assert apply_migrations(conn, discover(tmp_path)) == ["001_a.sql", "002_b.sql"]
    write(tmp_path, "003_c.sql", "INSERT INTO a VALUES (3);")
    assert apply_migrations(conn, discover(tmp_path)) == ["003_c.sql"]
    assert apply_migrations(conn, discover(tmp_path)) == []
    assert conn.run("SELECT id FROM a ORDER BY id") == [[1], [3]]


def test_a_changed_applied_migration_is_refused(conn, tmp_path):
    write(tmp_path, "001_a.sql", "CREATE TABLE a (id int);")
    apply_migrations(conn, discover(tmp_path))
    write(tmp_path, "001_a.sql", "CREATE TABLE a (id bigint);")
    with pytest.raises(MigrationError, match=r"001_a\.sql was changed after it was applied"):
        apply_migrations(conn, discover(tmp_path))


def test_a_failing_migration_leaves_nothing_behind(conn, tmp_path):
    write(tmp_path, "001_a.sql", "CREATE TABLE a (id int); INSERT INTO nowhere VALUES (1);")
    with pytest.raises(MigrationError, match=r"001_a\.sql failed"):
        apply_migrations(conn, discover(tmp_path))
    assert conn.run("SELECT to_regclass('a')") == [[None]]
    assert conn.run("SELECT count(*) FROM schema_migrations") == [[0]]


@pytest.mark.parametrize("name", ["1_short.sql", "001-dash.sql", "001_Upper.sql"])
def test_badly_named_files_are_refused(tmp_path, name):
    write(tmp_path, name, "SELECT 1;")
    with pytest.raises(MigrationError, match=r"must look like 001_name\.sql"):
        discover(tmp_path)


def test_concurrent_runners_apply_each_migration_once(stack, tmp_path):
    write(tmp_path, "001_a.sql", "CREATE TABLE a (id int);")
    write(tmp_path, "002_b.sql", "SELECT pg_sleep(0.2); INSERT INTO a VALUES (2);")
    settings = bootstrap.container().db_settings()
    race = f"{SCHEMA}_race"
    setup = open_connection(settings)
    setup.run(f"DROP SCHEMA IF EXISTS {race} CASCADE")
    setup.run(f"CREATE SCHEMA {race}")
    connections = [open_connection(settings) for _ in range(5)]
    for connection in connections:
        connection.run(f"SET search_path TO {race}")
    results, errors, barrier = [], [], threading.Barrier(5, timeout=30)

    def run(connection):
        try:
            barrier.wait()
            results.append(apply_migrations(connection, discover(tmp_path)))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(c,)) for c in connections]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    try:
        assert not errors
        assert sorted(results, key=len)[-1] == ["001_a.sql", "002_b.sql"]
        assert sum(len(r) for r in results) == 2
        assert setup.run(f"SELECT id FROM {race}.a") == [[2]]
    finally:
        [c.close() for c in connections]
        setup.run(f"DROP SCHEMA {race} CASCADE")
        setup.close()


def test_the_migration_function_gives_older_accounts_their_email_skeleton(stack, db):
    """Accounts made before 030_email_skeleton have none; a look-alike pair made then keeps one skeleton."""
    for email in ("older@example.com", "paypal@example.com", "paypa1@example.com"):
        db.run("INSERT INTO users (email, password_hash) VALUES (:e, '$argon2id$x')", e=email)
    bootstrap.reset()
    migrate_function.handler({}, None)
    rows = dict(db.run("SELECT email, email_skeleton FROM users"))
    assert rows["older@example.com"] == email_skeleton("older@example.com")  # "older@exarnple.corn"
    assert rows["paypal@example.com"] == email_skeleton("paypal@example.com")
    assert rows["paypa1@example.com"] is None  # the later look-alike: left for an operator (logged)
