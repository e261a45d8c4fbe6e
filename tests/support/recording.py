"""Counting and recording the round trips a request makes: Postgres statements and AWS API calls."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from calls_platform.adapters.postgres.database import Database


class Recorder:
    def __init__(self) -> None:
        self.sql: list[tuple[str, dict[str, Any]]] = []
        self.aws: list[tuple[str, str, dict[str, Any]]] = []

    def count(self) -> dict[str, int]:
        counts = {"postgres": len(self.sql)}
        for service, operation, _ in self.aws:
            counts[f"{service}.{operation}"] = counts.get(f"{service}.{operation}", 0) + 1
        return counts


@contextlib.contextmanager
def recording(container: Any) -> Iterator[Recorder]:
    """Record what `container`'s adapters send while the block runs."""
    recorder = Recorder()
    original = Database.run

    def run(self: Database, sql: str, **params: Any) -> Any:
        recorder.sql.append((sql, params))
        return original(self, sql, **params)

    def on_call(model: Any, params: dict, **_: Any) -> None:
        recorder.aws.append((model.service_model.service_name, model.name, params))

    clients = list(container.aws.clients.values())
    for client in clients:
        client.meta.events.register("provide-client-params.*.*", on_call)
    Database.run = run
    try:
        yield recorder
    finally:
        Database.run = original
        for client in clients:
            client.meta.events.unregister("provide-client-params.*.*", on_call)
