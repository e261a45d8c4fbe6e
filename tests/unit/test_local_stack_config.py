"""The local stack hands the functions the same resource names their configuration defaults to."""

import pytest

from calls_platform.config import Environment
from infra.settings import LocalSettings
from infra.stack import LocalStack

RESOURCE_FIELDS = ("app_secret_id", "db_secret_id", "sessions_table", "idempotency_table", "rate_limit_table")


def test_make_invoke_sees_every_resource_name_a_function_reads(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "x" * 40)
    local = LocalStack(LocalSettings.from_env())
    seen = Environment.from_env(local.function_environment())
    defaults = Environment()
    for field in RESOURCE_FIELDS:
        assert getattr(seen, field) == getattr(defaults, field)
    assert {"APP_SECRET_ID", "DB_SECRET_ID", "SESSIONS_TABLE", "IDEMPOTENCY_TABLE", "RATE_LIMIT_TABLE"} <= set(
        local.function_environment()
    )


def test_make_run_runs_the_templates_scheduled_functions_on_their_rate():
    import threading

    from infra.schedules import Schedules, scheduled

    assert scheduled() == {"sweep": 60}  # rate(1 minute): a closed tab's call ends within grace + a minute
    assert Schedules.from_template({"LOCAL_SCHEDULE_SECONDS": "5"})._every == {"sweep": 5.0}
    ran = threading.Semaphore(0)
    runs: list[str] = []

    def run(folder: str) -> None:
        runs.append(folder)
        ran.release()
        if len(runs) == 1:
            raise RuntimeError("a failed run is logged; the next one still comes")

    schedules = Schedules({"sweep": 0.01}, run).start()
    assert ran.acquire(timeout=5) and ran.acquire(timeout=5)
    schedules.stop()
    assert runs[:2] == ["sweep", "sweep"]


def test_a_database_secret_of_credentials_only_takes_host_port_and_name_from_the_settings() -> None:
    from calls_platform.adapters.secrets import db_settings
    from calls_platform.domain.errors import ConfigurationError

    env = Environment.from_env({"DB_HOST": "proxy.example", "DB_PORT": "6432", "DB_NAME": "calls"})
    settings = db_settings({"username": "app", "password": "pw"}, env)
    assert (settings.host, settings.port, settings.database, settings.sslmode) == (
        "proxy.example",
        6432,
        "calls",
        "verify-full",
    )
    assert db_settings({"username": "app", "password": "pw", "host": "db", "port": 5433}, env).port == 5433
    with pytest.raises(ConfigurationError, match="DB_HOST"):
        db_settings({"username": "app", "password": "pw"}, Environment.from_env({}))
