"""Starts the local stack (Postgres, AWS endpoint, secrets, table, migrations) and stops what it started."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from calls_platform.config import APP_SECRET_ID, DB_SECRET_ID, IDEMPOTENCY_TABLE, RATE_LIMIT_TABLE, SESSIONS_TABLE
from infra.embedded_postgres import EmbeddedPostgres
from infra.local_aws import MotoServer, configured_endpoint, use_local_credentials
from infra.media.process import MediaPeerProcess
from infra.settings import LOCAL_DIR, LocalSettings

EMAIL_SENDER = "no-reply@calls.localhost"  # verified in moto's SES by the seed

__all__ = ["APP_SECRET_ID", "DB_SECRET_ID", "IDEMPOTENCY_TABLE", "RATE_LIMIT_TABLE", "SESSIONS_TABLE", "LocalStack"]


class LocalStack:
    def __init__(
        self, settings: LocalSettings, pg_datadir: Path | None = None, pg_port: int | None = None, aws_port: int = 0
    ):
        self.aws_port = aws_port
        self.settings = settings
        self.pg_datadir = pg_datadir or LOCAL_DIR / "pgdata"
        self.pg_port = pg_port or settings.postgres_port
        self.postgres: EmbeddedPostgres | None = None
        self.moto: MotoServer | None = None
        self.media: MediaPeerProcess | None = None
        self.migrated: dict[str, Any] = {}

    @property
    def db_host(self) -> str:
        return self.settings.postgres_host or "127.0.0.1"

    @property
    def db_port(self) -> int:
        return self.settings.postgres_port if self.settings.postgres_host else self.pg_port

    def start(self) -> LocalStack:
        try:
            self._start_postgres()
            self._start_aws()
            self.configure_functions()
            self.seed()
            self.migrated = self.migrate()
            self._start_media()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_postgres(self) -> None:
        if self.settings.postgres_host:
            return
        s = self.settings
        self.postgres = EmbeddedPostgres(
            self.pg_datadir, self.pg_port, s.postgres_user, s.postgres_password, s.postgres_db
        )
        self.postgres.start()

    def _start_aws(self) -> None:
        endpoint = configured_endpoint()
        if endpoint is None:
            self.moto = MotoServer(self.aws_port)  # taken or 0: any free port
            self.moto.start()
            endpoint = self.moto.endpoint
        use_local_credentials(endpoint)

    def _start_media(self) -> None:
        """Mock mode's callee: a real WebRTC peer (infra/media/), after the database it reports calls to."""
        if self.settings.voip_provider != "mock":
            return
        self.media = MediaPeerProcess()
        self.media.start()
        self.configure_functions()

    def functions_config(self) -> dict[str, str]:
        """What each deployed function reads from its environment: secret ids, table names, provider."""
        return {
            "APP_SECRET_ID": APP_SECRET_ID,
            "DB_SECRET_ID": DB_SECRET_ID,
            "SESSIONS_TABLE": SESSIONS_TABLE,
            "IDEMPOTENCY_TABLE": IDEMPOTENCY_TABLE,
            "RATE_LIMIT_TABLE": RATE_LIMIT_TABLE,
            "VOIP_PROVIDER": self.settings.voip_provider,
            "PUBLIC_BASE_URL": self.settings.public_base_url,
            "EMAIL_SENDER": EMAIL_SENDER,
            "EMAIL_DEV_LOG": "1",  # `make run` logs each email with its link (docs/accounts.md); never deployed
            **({"MAX_CALL_SECONDS": self.settings.max_call_seconds} if self.settings.max_call_seconds else {}),
            **({"MEDIA_PEER_URL": self.media.url} if self.media else {}),
        }

    def configure_functions(self) -> None:
        os.environ.update(self.functions_config())

    def app_secret(self) -> dict[str, str]:
        s = self.settings
        secret = {
            "jwt_secret": s.jwt_secret,
            "voip_account_sid": s.voip_account_sid,
            "voip_auth_token": s.voip_auth_token,
            "voip_from_number": s.voip_from_number,
            "voip_api_key_sid": s.voip_api_key_sid,
            "voip_api_key_secret": s.voip_api_key_secret,
        }
        if s.voip_api_base_url:  # `make run` against a local fake Twilio; the template never sets it
            secret["voip_api_base_url"] = s.voip_api_base_url
        return secret

    def db_secret(self) -> dict[str, Any]:
        s = self.settings
        return {
            "engine": "postgres",
            "host": self.db_host,
            "port": self.db_port,
            "username": s.postgres_user,
            "password": s.postgres_password,
            "dbname": s.postgres_db,
            "sslmode": s.postgres_sslmode,
        }

    def seed(self) -> None:
        from infra.seed import Tables, seed

        secrets = {APP_SECRET_ID: self.app_secret(), DB_SECRET_ID: self.db_secret()}
        seed(secrets, Tables(SESSIONS_TABLE, IDEMPOTENCY_TABLE, RATE_LIMIT_TABLE), EMAIL_SENDER)

    def migrate(self) -> dict[str, Any]:
        from calls_platform import bootstrap
        from functions.migrate.app import handler

        bootstrap.reset()
        result = handler({}, None)
        bootstrap.reset()
        return result

    def function_environment(self) -> dict[str, str]:
        """What a function of this stack sees in its environment (for `make invoke`)."""
        aws = ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        return {**{name: os.environ[name] for name in aws if name in os.environ}, **self.functions_config()}

    def stop(self) -> None:
        """Stops what it started: the database first (it would outlive this process), even if moto fails."""
        postgres, self.postgres = self.postgres, None
        moto, self.moto = self.moto, None
        media, self.media = self.media, None
        if media is not None:
            media.stop()
            os.environ.pop("MEDIA_PEER_URL", None)
        try:
            if postgres is not None:
                postgres.stop()
        finally:
            if moto is not None:
                moto.stop()
