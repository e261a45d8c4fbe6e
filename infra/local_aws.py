"""The local AWS endpoint: moto server by default; LocalStack (or any endpoint) when configured."""

from __future__ import annotations

import os
import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configured_endpoint() -> str | None:
    """AWS_ENDPOINT_URL, or LocalStack's edge endpoint when LOCALSTACK_HOST is set (via localstack-client)."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        return os.environ["AWS_ENDPOINT_URL"]
    if os.environ.get("LOCALSTACK_HOST"):
        from localstack_client.config import get_service_endpoint

        return get_service_endpoint("dynamodb")
    return None


class MotoServer:
    """moto's threaded server, in this process: ready in well under a second, gone when we stop it."""

    def __init__(self, port: int) -> None:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per AWS call is noise
        self.port = port
        self._server = _atomic_moto_server_class()(ip_address="127.0.0.1", port=port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()


def _atomic_moto_server_class() -> type:
    """moto server answering one AWS request at a time. DynamoDB applies each conditional write and each
    transaction atomically; moto's threaded server does not (parallel conditional updates of one item all
    pass), which would hide or fake races that AWS has not. One at a time is what DynamoDB promises per item."""
    import threading

    from moto.moto_server.threaded_moto_server import MotoRequestHandler, ThreadedMotoServer
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    class AtomicMotoServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            lock = threading.Lock()

            def one_at_a_time(environ, start_response):  # type: ignore[no-untyped-def]
                with lock:
                    return list(app(environ, start_response))

            self._server = make_server(
                self._ip_address, self._port, one_at_a_time, True, request_handler=MotoRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return AtomicMotoServer


def use_local_credentials(endpoint: str) -> None:
    """Point boto3 at the local endpoint with dummy credentials (never real ones by accident)."""
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ["AWS_ACCESS_KEY_ID"] = os.environ.get("AWS_ACCESS_KEY_ID") or "test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = os.environ.get("AWS_SECRET_ACCESS_KEY") or "test"
