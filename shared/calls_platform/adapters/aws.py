"""The AWS clients of one container: one per service, shared by every adapter that uses it, with bounded
timeouts. boto3 honours AWS_ENDPOINT_URL itself, so the same code talks to AWS, moto server or LocalStack."""

from __future__ import annotations

import functools
from typing import Any


class AwsClients:
    def __init__(self) -> None:
        self.clients: dict[str, Any] = {}  # service name -> its client, as built so far

    @functools.cached_property
    def _session(self) -> Any:
        import boto3

        return boto3.session.Session()

    def client(self, service: str) -> Any:
        if service not in self.clients:
            from botocore.config import Config

            # Bounded: an unreachable service costs a request seconds, not the whole Lambda timeout.
            config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
            self.clients[service] = self._session.client(service, config=config)
        return self.clients[service]

    def close_connections(self) -> None:
        """Drop every client's pooled sockets; each opens new ones on its next request."""
        for client in self.clients.values():
            client.close()
