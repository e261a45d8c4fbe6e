"""A local stand-in for CloudFormation's pre-signed ResponseURL: records what a custom resource PUTs to it."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Response:
    path: str
    content_type: str | None
    body: dict[str, Any]


class ResponseUrl:
    def __init__(self) -> None:
        self.received: list[Response] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                received.append(Response(self.path, self.headers.get("Content-Type"), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet tests

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/stack-response?X-Amz-Signature=abc"

    def request(self, kind: str) -> dict[str, Any]:
        """A custom-resource event as CloudFormation sends it, answering to this URL."""
        return {
            "RequestType": kind,
            "ResponseURL": self.url,
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/calls/guid",
            "RequestId": "req-1",
            "LogicalResourceId": "RunMigrations",
            "ResourceType": "Custom::Migrations",
        }

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
