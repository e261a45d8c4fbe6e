"""The migration function against the real server: order, exactly once, checksums, concurrency."""

import hashlib
import threading
import time
from pathlib import Path

import pytest

from calls_platform import bootstrap
from calls_platform.adapters.migrations import Limits, MigrationError, apply_migrations, discover
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
    # the runner's own limits (a million-row table takes longer than a request's 5 s on a busy machine)
    connection = open_connection(
        bootstrap.container().db_settings(), statement_timeout_ms=Limits().statement_timeout_ms
    )
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
    """Accounts made before 012_email_skeleton have none; a look-alike pair made then keeps one skeleton."""
    for email in ("older@example.com", "paypal@example.com", "paypa1@example.com"):
        db.run("INSERT INTO users (email, password_hash) VALUES (:e, '$argon2id$x')", e=email)
    bootstrap.reset()
    migrate_function.handler({}, None)
    rows = dict(db.run("SELECT email, email_skeleton FROM users"))
    assert rows["older@example.com"] == email_skeleton("older@example.com")  # "older@exarnple.corn"
    assert rows["paypal@example.com"] == email_skeleton("paypal@example.com")
    assert rows["paypa1@example.com"] is None  # the later look-alike: left for an operator (logged)


# Applied migrations are never edited: these are the checksums production recorded. Write a new one instead.
APPLIED = {
    "001_create_users.sql": "9253edbb8b201e719078a71c76d860d2fdd0850170ab6d671232b7234b35d78d",
    "002_create_calls.sql": "c51db8febb6f64b2a0856b181e75fcac90c0f4d4b9eef0c54f98344395ab20db",
    "003_add_webrtc_fields_to_calls.sql": "b545dc3bb54292623c02177b4adf59159e9e408ef5d9c0eb16a5b6d5443fb5ce",
    "004_add_answer_time_and_end_reason.sql": "ced414a15058eb9f2e64eaefae11b064a4934b45f1de021811ca1176b07b38b4",
    "005_index_history_by_status.sql": "3a2b4aa3d4fb8b3e7f25189ef37ed91734ac6f04f0605925e34093e3b981a7b6",
    "006_create_refresh_token_tables.sql": "113babb781727f013affafaa6ed1ca9296ccb9e48749afda80f63d9863f1f227",
    "007_canonical_email_key.sql": "6c2e596ac721c20b482cc241a7794c11404f463edcfe778ebd2b5d3b6cfc4510",
    "008_one_live_call_slot.sql": "0d77f87c5817e61eac8cb089c1da92c417057a40334ed6e1f21c60be668cc714",
    "009_end_reason_browser_not_answered.sql": "08b5c1bf96054bd90da5e3a5e0bb1576ed1ba821a77935054dd2ae3f83d97d32",
    "010_provider_hangup_pending.sql": "494b8c9feedbe75b3e57c0f298b14908a6fc15f19c39d795c5950334743790a6",
}


def test_applied_migrations_keep_their_checksums():
    for name, checksum in APPLIED.items():
        assert hashlib.sha256((ROOT / "migrations" / name).read_bytes()).hexdigest() == checksum, name


def test_the_runner_has_its_own_timeouts_not_a_requests(conn, tmp_path):
    write(
        tmp_path,
        "001_a.sql",
        "CREATE TABLE a AS SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt;",
    )
    apply_migrations(conn, discover(tmp_path))
    assert conn.run("SELECT st, lt FROM a") == [["10min", "3s"]]  # Limits(): a request has 5 s and none


def test_a_migration_that_waits_past_lock_timeout_gives_up_with_the_reason(conn, stack, tmp_path):
    conn.run("CREATE TABLE busy (id int)")
    holder = open_connection(bootstrap.container().db_settings())
    holder.run(f"SET search_path TO {SCHEMA}")
    holder.run("START TRANSACTION")
    holder.run("SELECT count(*) FROM busy")  # a long read holds ACCESS SHARE: ALTER TABLE must wait for it
    write(tmp_path, "001_a.sql", "ALTER TABLE busy ADD COLUMN note text;")
    limits = Limits(lock_timeout_ms=200, lock_tries=2, retry_pause_s=0.05)
    started = time.monotonic()
    try:
        with pytest.raises(MigrationError, match=r"001_a\.sql failed: .*lock timeout.*2 tries"):
            apply_migrations(conn, discover(tmp_path), limits)
    finally:
        holder.run("ROLLBACK")
        holder.close()
    assert time.monotonic() - started < 2  # two short waits, not the statement_timeout
    assert conn.run("SELECT count(*) FROM schema_migrations") == [[0]]
    assert apply_migrations(conn, discover(tmp_path), limits) == ["001_a.sql"]  # the next deploy goes through


def test_a_repeat_until_done_migration_backfills_in_batches(conn, tmp_path):
    conn.run("CREATE TABLE people (id int PRIMARY KEY, email text, email_key text)")
    conn.run("INSERT INTO people SELECT n, 'P' || n || '@X.org', NULL FROM generate_series(1, 25) n")
    write(
        tmp_path,
        "001_a.sql",
        "-- migrate: repeat-until-done\nUPDATE people SET email_key = lower(email)"
        " WHERE id IN (SELECT id FROM people WHERE email_key IS NULL ORDER BY id LIMIT 10);\n",
    )
    assert apply_migrations(conn, discover(tmp_path)) == ["001_a.sql"]
    assert conn.run("SELECT count(*) FROM people WHERE email_key = lower(email)") == [[25]]
    assert conn.run("SELECT count(*) FROM schema_migrations") == [[1]]


def writes_while(conn, stack, work) -> list[float]:
    """How long each of a stream of inserts into `calls_big` took while `work()` ran on `conn`."""
    writer = open_connection(bootstrap.container().db_settings())
    writer.run(f"SET search_path TO {SCHEMA}")
    latencies: list[float] = []
    done = threading.Event()

    def write_calls():
        while not done.is_set():
            started = time.monotonic()
            writer.run("INSERT INTO calls_big (user_id, status) VALUES (7, 'ringing')")
            latencies.append(time.monotonic() - started)

    thread = threading.Thread(target=write_calls)
    thread.start()
    try:
        time.sleep(0.05)
        work()
    finally:
        done.set()
        thread.join(timeout=30)
        writer.close()
    return latencies


def test_a_million_calls_get_a_new_index_concurrently_without_blocking_writes(conn, stack, tmp_path):
    conn.run(
        "CREATE TABLE calls_big (id bigserial PRIMARY KEY, user_id int, status text, start_time timestamptz"
        " DEFAULT now())"
    )
    conn.run(
        "INSERT INTO calls_big (user_id, status, start_time) SELECT n % 5000, (ARRAY['ended','failed'])"
        "[1 + n % 2], now() - n * interval '1 second' FROM generate_series(1, 1000000) n"
    )
    # The blocking way first, so the test shows what it guards against: a plain CREATE INDEX holds writes.
    blocked = writes_while(conn, stack, lambda: conn.run("CREATE INDEX plain_idx ON calls_big (status, start_time)"))
    conn.run("DROP INDEX plain_idx")
    write(tmp_path, "001_index.sql", (ROOT / "docs" / "examples" / "concurrent_index.sql").read_text())
    limits = Limits(lock_timeout_ms=500)
    flowing = writes_while(conn, stack, lambda: apply_migrations(conn, discover(tmp_path), limits))
    assert max(blocked) > 0.3, max(blocked)
    assert max(flowing) < limits.lock_timeout_ms / 1000 and len(flowing) > 20, (max(flowing), len(flowing))
    valid = "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('calls_big_status_time_idx')"
    assert conn.run(valid) == [[True]]
