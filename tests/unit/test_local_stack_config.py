"""The local stack hands the functions the same resource names their configuration defaults to."""

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
