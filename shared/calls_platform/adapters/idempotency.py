"""Idempotency keys through Powertools' idempotency utility, persisted in DynamoDB with a TTL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from calls_platform.domain.errors import IdempotencyKeyReused, RequestInProgress, ServiceUnavailable

EXPIRES_AFTER_S = 24 * 3600


class PowertoolsIdempotency:
    def __init__(self, client: Any, table: str, expires_after_s: int = EXPIRES_AFTER_S) -> None:
        self._store = DynamoDBPersistenceLayer(table_name=table, boto3_client=client)
        # The record is keyed by who asked and their key; the body is checked so a reused key can't mean
        # something else.
        self._config = IdempotencyConfig(
            event_key_jmespath="[scope, key]",
            payload_validation_jmespath="payload",
            expires_after_seconds=expires_after_s,
            raise_on_no_idempotency_key=True,
        )

    def run(
        self,
        operation: str,
        scope: str,
        key: str,
        payload: Mapping[str, Any],
        action: Callable[[], dict[str, Any]],
        context: Any,
    ) -> dict[str, Any]:
        """The first result for (operation, scope, key), computing it with `action` only once."""
        if context is not None:
            self._config.register_lambda_context(context)  # an in-progress record expires with the invocation

        def once(request: dict[str, Any]) -> dict[str, Any]:
            return action()

        # Applied as a call, not a decorator: Powertools types the decorator's result as Any.
        guarded: Callable[..., dict[str, Any]] = idempotent_function(
            once,
            data_keyword_argument="request",
            persistence_store=self._store,
            config=self._config,
            key_prefix=operation,
        )
        try:
            return guarded(request={"scope": scope, "key": key, "payload": dict(payload)})
        except IdempotencyValidationError:
            raise IdempotencyKeyReused() from None
        except IdempotencyAlreadyInProgressError:
            raise RequestInProgress() from None
        except IdempotencyPersistenceLayerError as error:
            raise ServiceUnavailable("idempotency store unavailable") from error
