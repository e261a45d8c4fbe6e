"""Configuration secrets from Secrets Manager, cached per container by aws-secretsmanager-caching."""

from __future__ import annotations

import json
from typing import Any

from aws_secretsmanager_caching import SecretCache, SecretCacheConfig
from botocore.exceptions import BotoCoreError, ClientError

from calls_platform.domain.errors import ConfigurationError, ServiceUnavailable


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
