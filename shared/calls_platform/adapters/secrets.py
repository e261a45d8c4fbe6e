"""Configuration secrets from Secrets Manager, cached per container by aws-secretsmanager-caching, and the
database settings read from a secret in RDS's shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aws_secretsmanager_caching import SecretCache, SecretCacheConfig
from botocore.exceptions import BotoCoreError, ClientError

from calls_platform.config import Environment
from calls_platform.domain.errors import ConfigurationError, ServiceUnavailable

if TYPE_CHECKING:
    from calls_platform.adapters.postgres.database import DbSettings


class SecretsConfig:
    def __init__(self, client: Any, refresh_seconds: int = 3600) -> None:
        self._client = client
        self._config = SecretCacheConfig(secret_refresh_interval=refresh_seconds)
        self._cache = SecretCache(config=self._config, client=client)

    def json(self, secret_id: str) -> dict[str, Any]:
        """The secret's JSON object, from the cache after the first call."""
        try:
            raw = self._cache.get_secret_string(secret_id)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("ResourceNotFoundException", "AccessDeniedException"):
                raise ConfigurationError(f"secret '{secret_id}' cannot be read ({code})") from error
            raise ServiceUnavailable("secrets store unavailable") from error
        except BotoCoreError as error:
            raise ServiceUnavailable("secrets store unavailable") from error
        try:
            value = json.loads(raw or "")
        except json.JSONDecodeError:
            raise ConfigurationError(f"secret '{secret_id}' is not a JSON object") from None
        if not isinstance(value, dict):
            raise ConfigurationError(f"secret '{secret_id}' is not a JSON object")
        return value

    def refresh(self, secret_id: str) -> None:
        """Forget cached values, so the next read fetches them (after a value was rejected, e.g. a rotated
        password). A fresh cache rather than SecretCache.refresh_secret_now, which sleeps 2.5-5 s first."""
        self._cache = SecretCache(config=self._config, client=self._client)


def db_settings(secret: Mapping[str, Any], env: Environment | None = None) -> DbSettings:
    """Settings from a database secret in RDS's JSON shape (host, port, username, password, dbname).

    RDS-managed master secrets hold only the credentials, so where the secret has no host, port, dbname or
    sslmode, the settings DB_HOST (the RDS Proxy endpoint), DB_PORT, DB_NAME and DB_SSLMODE fill in (config.py).
    """
    from calls_platform.adapters.postgres.database import DbSettings  # pg8000 only where a database is used

    env = env or Environment.from_env()
    host = secret.get("host") or env.db_host
    if not host:
        raise ConfigurationError("database secret is incomplete: it has no host, and DB_HOST is not set")
    try:
        return DbSettings(
            host=str(host),
            port=int(secret.get("port") or env.db_port),
            user=str(secret["username"]),
            password=str(secret["password"]),
            database=str(secret.get("dbname") or env.db_name),
            sslmode=str(secret.get("sslmode") or env.db_sslmode),
            ca_file=secret.get("ca_file") or env.db_ca_file or None,
        )
    except (KeyError, ValueError) as error:
        raise ConfigurationError(f"database secret is incomplete: {error}") from None
