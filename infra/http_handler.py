"""The local gateway's HTTP server: reads each request strictly, hands it to the gateway, writes the answer.

It is run behind tunnels (Twilio's webhooks), so it frames requests as a careful proxy would: a request with
both Content-Length and Transfer-Encoding (the request-smuggling pattern) is refused, and no body is read
past the API's 64 KiB.
"""

from __future__ import annotations

import logging
import string
import sys
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from calls_platform.domain.errors import DomainError, ValidationError
from calls_platform.web.bodies import MAX_BODY_BYTES
from calls_platform.web.errors import error_body, error_for_status, internal_error, status_of
from calls_platform.web.framing import MethodNotAllowed, PayloadTooLarge
from infra.answers import ERROR_HEADERS, error_answer

if TYPE_CHECKING:
    from infra.gateway import LocalGateway

log = logging.getLogger("gateway")
_HEX = frozenset(string.hexdigits.encode())


class _Refused(Exception):
    """A request that cannot be read safely: answered with the error, and its connection closed."""

    def __init__(self, error: DomainError) -> None:
        self.error = error


class _Handler(BaseHTTPRequestHandler):
    gateway: LocalGateway
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a client may idle or trickle a request before its connection is dropped

    def _serve(self) -> None:
        try:
            body = self._body()
        except _Refused as refused:
            self.close_connection = True  # what follows on this connection cannot be told apart from the body
            self._send(*error_answer(refused.error))
            return
        headers = {k: v for k, v in self.headers.items()}
        try:
            answer = self.gateway.handle(self.command, self.path, headers, body, self.client_address[0])
        except Exception:  # the function itself never lets one through; this guards the gateway's own code
            log.exception("gateway error")
            answer = error_answer(internal_error())
        self._send(*answer)

    def _body(self) -> bytes:
        lengths = self.headers.get_all("Content-Length") or []
        encodings = self.headers.get_all("Transfer-Encoding") or []
        if lengths and encodings:
            raise _Refused(ValidationError("a request must not carry both Content-Length and Transfer-Encoding"))
        if len(lengths) > 1 or len(encodings) > 1:
            raise _Refused(ValidationError("Content-Length and Transfer-Encoding may each be given once"))
        if encodings:
            if encodings[0].strip().lower() != "chunked":
                raise _Refused(ValidationError("Transfer-Encoding must be chunked"))
            return self._chunked()
        declared = lengths[0].strip() if lengths else "0"
        if not declared.isascii() or not declared.isdigit():  # e.g. -1: reading "until the end" would hang
            raise _Refused(ValidationError("Content-Length must be a whole number of bytes"))
        if int(declared) > MAX_BODY_BYTES:  # refused before reading any of it
            raise _Refused(PayloadTooLarge(f"request body must be at most {MAX_BODY_BYTES} bytes"))
        return self.rfile.read(int(declared)) if int(declared) else b""

    def _chunked(self) -> bytes:
        """A chunked body, refused as soon as it passes MAX_BODY_BYTES."""
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            size = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not size or not set(size) <= _HEX or len(size) > 8:
                raise _Refused(ValidationError("malformed chunked body"))
            length = int(size, 16)
            if length == 0:
                self._trailers()
                return bytes(body)
            if len(body) + length > MAX_BODY_BYTES:
                raise _Refused(PayloadTooLarge(f"request body must be at most {MAX_BODY_BYTES} bytes"))
            body += self.rfile.read(length)
            if self.rfile.read(2) != b"\r\n":
                raise _Refused(ValidationError("malformed chunked body"))

    def _trailers(self) -> None:
        for _ in range(64):
            if self.rfile.readline(8192) in (b"\r\n", b"\n", b""):
                return
        raise _Refused(ValidationError("too many trailer fields"))

    def __getattr__(self, name: str) -> Any:
        # Any method (TRACE, QUERY, ...) reaches the gateway, which answers 405 in the API's error shape
        # where the route exists, as API Gateway does, rather than http.server's HTML 501.
        if name.startswith("do_") and name != "do_HEAD":
            return self._serve
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (oversized header or request line, bad request line) in the API's JSON
        error shape, not its HTML page."""
        error = error_for_status(code, message or "bad request")
        if status_of(error) != code:  # e.g. 505: still a request it could not read, the client's to fix
            error = ValidationError(message or "bad request")
        self.close_connection = True
        body = error_body(error).encode()
        self.send_response(code, message)
        for name, value in ERROR_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._send(*error_answer(MethodNotAllowed("HEAD is not allowed")))

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("http request", extra={"request": format % args})


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # bursts, not resets

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (or idled past the timeout) is routine: one quiet line, not a trace on stderr."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.info("client connection dropped", extra={"cause": type(error).__name__})
            return
        log.error("http server error", exc_info=True)


def http_server(gateway: LocalGateway, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"gateway": gateway})
    server = _Server((host, port), handler)
    server.daemon_threads = True
    return server
