"""What a function reads from its environment: only ids, names and limits (secrets: adapters/secrets.py)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any

from calls_platform.domain.errors import ConfigurationError

# The resources' default names: what the local stack creates and seeds (infra/stack.py imports these).
APP_SECRET_ID = "calls-platform/app"
DB_SECRET_ID = "calls-platform/db"
SESSIONS_TABLE = "calls-platform-sessions"
IDEMPOTENCY_TABLE = "calls-platform-idempotency"
RATE_LIMIT_TABLE = "calls-platform-rate-limits"


@dataclasses.dataclass(frozen=True)
class Environment:
    app_secret_id: str = APP_SECRET_ID
    db_secret_id: str = DB_SECRET_ID
    sessions_table: str = SESSIONS_TABLE
    idempotency_table: str = IDEMPOTENCY_TABLE
    rate_limit_table: str = RATE_LIMIT_TABLE
    voip_provider: str = "mock"
    access_token_ttl: int = 900  # short-lived: the refresh token renews it
    session_ttl: int = 4 * 3600
    secrets_refresh_seconds: int = 3600
    log_level: str = "INFO"
    public_base_url: str = "http://localhost:8080"
    max_call_seconds: int = 2 * 3600  # Twilio's <Dial timeLimit>: no forgotten call runs up a bill
    # Abuse limits (calls cost money; see docs/security.md).
    registrations_per_address: int = 10  # an hour
    max_live_calls: int = 1  # per user at a time
    daily_call_minutes: int = 120  # per user per UTC day
    call_countries: str = ""  # ISO region codes allowed as destinations, comma-separated; empty: all not denied
    call_denied_countries: str = ""  # without an allow-list, refused ones; empty: domain.destinations', "none": none
    call_attempts_per_hour: int = 30  # per user, placed or not
    heartbeat_grace: int = 30  # seconds a live call's page may stay silent before the sweep ends the call
    max_contacts: int = 1000  # per user
    # Accounts (docs/accounts.md): the emails' sender and the page their links lead to.
    email_sender: str = "no-reply@calls.localhost"
    email_dev_log: str = ""  # "1": log each email sent with its link (the local stack only; never deployed)
    page_url: str = ""  # empty: PUBLIC_BASE_URL (locally the gateway serves the page itself)
    account_emails_per_hour: int = 5  # per email address and per account
    account_emails_per_client_per_hour: int = 20
    password_reset_answer_ms: int = 200  # every password-reset request answers no sooner (no timing leak)
    media_peer_url: str = ""  # mock mode: the local media service (set by the local stack only); empty: none
    metrics_namespace: str = "CallsPlatform"  # CloudWatch's namespace of the EMF metrics
    metrics_service: str = "calls-platform"  # Powertools' service dimension
    migrations_dir: str = ""  # the migration function's files; empty: found beside it (functions/migrate)
    # What a database secret in RDS's managed shape (credentials only) leaves out: adapters/secrets.py.
    db_host: str = ""  # the RDS Proxy endpoint
    db_port: int = 5432
    db_name: str = "calls_platform"
    db_sslmode: str = "verify-full"
    db_ca_file: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Environment:
        names = {
            "app_secret_id": "APP_SECRET_ID",
            "db_secret_id": "DB_SECRET_ID",
            "sessions_table": "SESSIONS_TABLE",
            "idempotency_table": "IDEMPOTENCY_TABLE",
            "rate_limit_table": "RATE_LIMIT_TABLE",
            "voip_provider": "VOIP_PROVIDER",
            "access_token_ttl": "ACCESS_TOKEN_TTL_SECONDS",
            "session_ttl": "SESSION_TTL_SECONDS",
            "secrets_refresh_seconds": "SECRETS_REFRESH_SECONDS",
            "log_level": "LOG_LEVEL",
            "public_base_url": "PUBLIC_BASE_URL",
            "max_call_seconds": "MAX_CALL_SECONDS",
            "registrations_per_address": "REGISTRATIONS_PER_ADDRESS_PER_HOUR",
            "max_live_calls": "MAX_LIVE_CALLS_PER_USER",
            "daily_call_minutes": "DAILY_CALL_MINUTES_PER_USER",
            "call_countries": "CALL_ALLOWED_COUNTRIES",
            "call_denied_countries": "CALL_DENIED_COUNTRIES",
            "call_attempts_per_hour": "CALL_ATTEMPTS_PER_USER_PER_HOUR",
            "heartbeat_grace": "CALL_HEARTBEAT_GRACE_SECONDS",
            "max_contacts": "MAX_CONTACTS_PER_USER",
            "email_sender": "EMAIL_SENDER",
            "email_dev_log": "EMAIL_DEV_LOG",
            "page_url": "PAGE_URL",
            "account_emails_per_hour": "ACCOUNT_EMAILS_PER_HOUR",
            "account_emails_per_client_per_hour": "ACCOUNT_EMAILS_PER_CLIENT_PER_HOUR",
            "password_reset_answer_ms": "PASSWORD_RESET_ANSWER_MS",
            "media_peer_url": "MEDIA_PEER_URL",
            "metrics_namespace": "METRICS_NAMESPACE",
            "metrics_service": "POWERTOOLS_SERVICE_NAME",
            "migrations_dir": "MIGRATIONS_DIR",
            "db_host": "DB_HOST",
            "db_port": "DB_PORT",
            "db_name": "DB_NAME",
            "db_sslmode": "DB_SSLMODE",
            "db_ca_file": "DB_CA_FILE",
        }
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(names[field.name])
            if raw:
                values[field.name] = _convert(names[field.name], raw, field.default)
        environment = cls(**values)
        if environment.voip_provider not in ("mock", "twilio"):
            raise ConfigurationError("VOIP_PROVIDER must be 'mock' or 'twilio'")
        if environment.max_call_seconds <= 0:
            raise ConfigurationError("MAX_CALL_SECONDS must be a positive number of seconds")
        if environment.heartbeat_grace <= 0:
            raise ConfigurationError("CALL_HEARTBEAT_GRACE_SECONDS must be a positive number of seconds")
        return environment


def allowed_origin(env: Mapping[str, str] = os.environ) -> str:
    """ALLOWED_ORIGIN, set by the stack: the deployed page's origin, which may read the API's answers (empty
    locally, where the page is the API's origin). Read per answer, as the framework's refusals need it too."""
    return env.get("ALLOWED_ORIGIN", "")


def _convert(name: str, raw: str, default: object) -> object:
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a whole number") from None
    return raw.strip()
