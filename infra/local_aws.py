"""The local AWS endpoint: moto server by default; LocalStack (or any endpoint) when configured."""

from __future__ import annotations

import os
import socket
import threading
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def configured_endpoint() -> str | None:
    """AWS_ENDPOINT_URL, or LocalStack's edge endpoint when LOCALSTACK_HOST is set (via localstack-client)."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        return os.environ["AWS_ENDPOINT_URL"]
    if os.environ.get("LOCALSTACK_HOST"):
        from localstack_client.config import get_service_endpoint

        return str(get_service_endpoint("dynamodb"))
    return None


class MotoServer:
    """moto server in this process, ready in well under a second, gone when we stop it.

    Its socket is bound here, before the serving thread starts: a taken port is an error at once (moto's own
    ThreadedMotoServer binds in its thread and, when the port is taken, waits forever for a server that
    never comes). `preferred_port` taken, or 0: any free port, which `port` then holds.
    """

    def __init__(self, preferred_port: int = 0) -> None:
        self.port = preferred_port
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import logging

        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per AWS call is noise
        with _listening_socket(self.port) as sock:
            self.port = sock.getsockname()[1]
            app = _one_at_a_time(DomainDispatcherApplication(create_backend_app))
            # werkzeug serves a duplicate of this descriptor; ours closes when the block ends.
            self._server = make_server(
                "127.0.0.1", self.port, app, threaded=True, request_handler=MotoRequestHandler, fd=sock.fileno()
            )
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


def _one_at_a_time(app: Any) -> Any:
    """moto answering one AWS request at a time. DynamoDB applies each conditional write and each transaction
    atomically; moto's threaded server does not (parallel conditional updates of one item all pass), which
    would hide or fake races that AWS has not. One at a time is what DynamoDB promises per item."""
    lock = threading.Lock()

    def serve(environ: Any, start_response: Any) -> list[bytes]:
        with lock:
            return list(app(environ, start_response))

    return serve


def _listening_socket(preferred_port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # like any server: no wait after a restart
    try:
        sock.bind(("127.0.0.1", preferred_port))
    except OSError:
        if not preferred_port:
            sock.close()
            raise
        sock.bind(("127.0.0.1", 0))  # taken since anyone looked: any free port rather than none
    sock.listen(128)
    return sock


def use_local_credentials(endpoint: str) -> None:
    """Point boto3 at the local endpoint with dummy credentials (never real ones by accident)."""
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ["AWS_ACCESS_KEY_ID"] = os.environ.get("AWS_ACCESS_KEY_ID") or "test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = os.environ.get("AWS_SECRET_ACCESS_KEY") or "test"
