"""`make migrate` applies the migrations to the database `make run` uses, through the function's own code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.embedded_postgres import EmbeddedPostgres
from infra.local_aws import free_port
from infra.settings import ROOT
from infra.stack import LocalStack

MIGRATIONS = sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))


def make_migrate(**env: str) -> tuple[int, dict]:
    """`python -m infra.migrate` as the Makefile runs it; its last line is its JSON report."""
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", **env}
    for name in ("POSTGRES_HOST", "AWS_ENDPOINT_URL", "MIGRATIONS_DIR"):
        if name not in env:
            environment.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "infra.migrate"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


def test_the_makefile_target_runs_a_module_that_exists():
    recipe = subprocess.run(["make", "-n", "migrate"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "-m infra.migrate" in recipe
    assert (ROOT / "infra" / "migrate.py").is_file()


@pytest.fixture
def local_dir(tmp_path: Path):
    yield tmp_path
    EmbeddedPostgres(tmp_path / "pgdata", 0, "", "", "").wipe()


def test_the_embedded_database_is_started_migrated_once_and_stopped(local_dir):
    env = {"CALLS_LOCAL_DIR": str(local_dir), "POSTGRES_PORT": str(free_port()), "JWT_SECRET": "x" * 40}
    assert make_migrate(**env) == (0, make_migrate_report(MIGRATIONS, env))
    assert not EmbeddedPostgres(local_dir / "pgdata", 0, "", "", "").running()  # it started it: it stops it
    assert make_migrate(**env) == (0, make_migrate_report([], env))


def test_a_running_make_run_database_is_migrated_and_left_running(local_dir):
    port = free_port()
    server = EmbeddedPostgres(local_dir / "pgdata", port, "postgres", "postgres", "calls_platform")
    server.start()
    env = {"CALLS_LOCAL_DIR": str(local_dir), "POSTGRES_PORT": str(port), "JWT_SECRET": "x" * 40}
    assert make_migrate(**env) == (0, make_migrate_report(MIGRATIONS, env))
    assert server.running()


def test_a_configured_postgres_host_is_migrated(stack: LocalStack, tmp_path):
    secret = stack.db_secret()
    env = {
        "CALLS_LOCAL_DIR": str(tmp_path),
        "POSTGRES_HOST": secret["host"],
        "POSTGRES_PORT": str(secret["port"]),
        "POSTGRES_USER": secret["username"],
        "POSTGRES_PASSWORD": secret["password"],
        "POSTGRES_DB": secret["dbname"],
        "JWT_SECRET": "x" * 40,
    }
    assert make_migrate(**env) == (0, make_migrate_report([], env))  # the test stack migrated at start
    assert not (tmp_path / "pgdata").exists()  # no embedded server when POSTGRES_HOST is set


def test_an_unreachable_database_fails_with_a_clear_message(tmp_path):
    env = {"CALLS_LOCAL_DIR": str(tmp_path), "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(free_port())}
    code, report = make_migrate(**env, JWT_SECRET="x" * 40)
    assert code == 1 and report["level"] == "ERROR" and report["message"] == "migrations failed"


def make_migrate_report(applied: list[str], env: dict[str, str]) -> dict:
    return {
        "level": "INFO",
        "message": "migrations applied",
        "logger": "make-migrate",
        "database": f"{env.get('POSTGRES_HOST', '127.0.0.1')}:{env['POSTGRES_PORT']}",
        "applied": applied,
        "total": len(MIGRATIONS),
    }
