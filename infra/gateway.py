"""A local stand-in for API Gateway: routes each request to the Lambda function that owns it.

Every function's own Chalice app is invoked with the REST (v1) proxy event API Gateway would send, so
`make run` serves exactly the code that is deployed, one function per route, with no second copy of a route.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import os
import re
import sys
import threading
import types
import uuid
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from calls_platform.domain.errors import (
    DomainError,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ValidationError,
)
from calls_platform.web.errors import error_body, error_for_status, internal_error, status_of
from infra.settings import ROOT
from infra.workers import WorkerPool

log = logging.getLogger("gateway")
FUNCTIONS_DIR = ROOT / "functions"
SOFTPHONE_DIR = ROOT / "softphone" / "dist"  # built by `make page`
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
}
# Twilio's Voice SDK (2.18.5, lib/twilio/regions.ts) signals over wss://voice-js.<edge>.twilio.com/signal: the
# page asks for the "roaming" edge and the SDK then prefers the edge Twilio names in its `connected` message, one
# of the public edges. It posts call quality events to https://eventgw.twilio.com, or eventgw.<home>.twilio.com
# once Twilio names the home region. Media (ICE/DTLS/SRTP) is not governed by CSP; the SDK's sounds are ours.
TWILIO_EDGES = ("roaming", "ashburn", "umatilla", "dublin", "frankfurt", "sao-paulo", "singapore", "sydney", "tokyo")
TWILIO_HOME_REGIONS = ("us1", "us2", "ie1", "de1", "br1", "sg1", "au1", "jp1")
TWILIO_ORIGINS = (
    *(f"wss://voice-js.{edge}.twilio.com" for edge in TWILIO_EDGES),
    "https://eventgw.twilio.com",
    *(f"https://eventgw.{region}.twilio.com" for region in TWILIO_HOME_REGIONS),
)


def page_headers(provider: str) -> dict[str, str]:
    """The page's security headers: its CSP opens exactly the Twilio origins in Twilio mode, none otherwise."""
    connect = " ".join(("'self'", *(TWILIO_ORIGINS if provider == "twilio" else ())))
    policy = (
        f"default-src 'self'; connect-src {connect}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
HttpAnswer = tuple[int, dict[str, str], bytes]  # status, headers, body


class Endpoint:
    def __init__(self, function: str, method: str, path: str, app: Any) -> None:
        self.function = function
        self.method = method
        self.path = path
        self.app = app
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
        self.regex = re.compile(pattern + r"\Z")


def endpoint_functions() -> dict[str, Any]:
    """function name -> its `app` module, for every function that serves HTTP routes."""
    modules = {}
    for folder in sorted(p for p in FUNCTIONS_DIR.iterdir() if (p / "app.py").is_file()):
        module = importlib.import_module(f"functions.{folder.name}.app")
        if hasattr(module, "ROUTES"):
            modules[folder.name] = module
    return modules


def routes_table() -> list[Endpoint]:
    endpoints = [
        Endpoint(name, route.method, route.path, module.app)
        for name, module in endpoint_functions().items()
        for route in module.ROUTES
    ]
    # As in API Gateway, a literal path wins over a template: /api/calls/history is not /api/calls/{call_id}.
    return sorted(endpoints, key=lambda e: (e.path.count("{"), e.path))


class LocalGateway:
    def __init__(self, endpoints: list[Endpoint], workers: WorkerPool | None = None) -> None:
        self.endpoints = endpoints
        # With a pool (`make run`, the HTTP tests), each request runs in a warm "container" of its own, in
        # parallel, as on Lambda (infra.workers). Without one, one request at a time in this process.
        self.workers = workers
        self._lock = threading.Lock()

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes, source_ip: str) -> HttpAnswer:
        """(status, headers, body bytes) for one HTTP request."""
        url = urlsplit(target)
        if not url.path.startswith("/api/"):  # the page's files: read-only, as the CDN serves them
            if method != "GET":
                return _error(MethodNotAllowed(f"{method} is not allowed on {url.path}", ["GET"]))
            return static_file(url.path)
        matches = [(e, m) for e in self.endpoints if (m := e.regex.match(url.path))]
        if not matches:
            return _error(NotFound(f"no route for {url.path}"))
        # Like API Gateway: the most specific resource answers (endpoints are sorted literal-first), and a
        # method it lacks is refused there, never handed to a looser template (/api/calls/answer is no call id).
        resource = matches[0][0].path
        matches = [(e, m) for e, m in matches if e.path == resource]
        chosen = [(e, m) for e, m in matches if e.method == method]
        if not chosen:
            allowed = sorted({e.method for e, _ in matches})
            return _error(MethodNotAllowed(f"{method} is not allowed on {url.path}", allowed))
        if len(body) > MAX_BODY_BYTES:
            return _error(PayloadTooLarge("request body too large"))
        endpoint, match = chosen[0]
        event = proxy_event(endpoint.path, method, url.path, url.query, headers, body, match.groupdict(), source_ip)
        if self.workers is not None:
            result = self.workers.invoke(endpoint.function, event)
        else:
            with self._lock:
                result = endpoint.app(event, lambda_context(endpoint.function))
        return _from_lambda(result)

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()


def concurrent_gateway(size: int | None = None) -> LocalGateway:
    """The gateway `make run` serves: every route, each request in its own warm worker process."""
    endpoints = routes_table()
    return LocalGateway(endpoints, WorkerPool(sorted({e.function for e in endpoints}), size))


def static_file(path: str) -> HttpAnswer:
    """The softphone's files (in AWS they belong on S3/CloudFront; locally the gateway serves them)."""
    headers = page_headers(voip_provider())
    if path == "/config.json":
        return 200, {"Content-Type": _CONTENT_TYPES[".json"], **headers}, page_config()
    name = "index.html" if path in ("", "/") else path.lstrip("/")
    file = (SOFTPHONE_DIR / name).resolve()
    servable = file.is_file() and SOFTPHONE_DIR in file.parents and file.suffix in _CONTENT_TYPES
    if name.endswith("/") or not servable:
        return _error(NotFound(f"no route for {path}"))
    return 200, {"Content-Type": _CONTENT_TYPES[file.suffix], **headers}, file.read_bytes()


def voip_provider() -> str:
    return os.environ.get("VOIP_PROVIDER") or "mock"


def page_config() -> bytes:
    """What the page needs to know about its API; in AWS the stack writes the same file next to the page."""
    # realMedia: a media peer answers mock calls (the local stack's), so a failed connection is a lost call.
    real_media = voip_provider() == "twilio" or bool(os.environ.get("MEDIA_PEER_URL"))
    return json.dumps({"apiBaseUrl": "", "voipProvider": voip_provider(), "realMedia": real_media}).encode()


def proxy_event(
    resource: str,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    path_params: Mapping[str, str],
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """The REST API (v1) proxy event for one request, as API Gateway builds it."""
    multi_query = parse_qs(query, keep_blank_values=True) if query else {}
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": dict(headers) or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_params) or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "stage": "local",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": source_ip},
        },
        "body": text if body else None,
        "isBase64Encoded": encoded,
    }


def lambda_context(function: str) -> Any:
    return types.SimpleNamespace(
        aws_request_id=str(uuid.uuid4()),
        function_name=function,
        memory_limit_in_mb=512,
        invoked_function_arn=f"arn:aws:lambda:us-east-1:000000000000:function:{function}",
        get_remaining_time_in_millis=lambda: 30_000,
    )


def _error(error: DomainError) -> HttpAnswer:
    headers = {"Content-Type": "application/json"}
    if isinstance(error, MethodNotAllowed) and error.allowed:
        headers["Allow"] = ", ".join(error.allowed)
    return status_of(error), headers, error_body(error).encode()


def _from_lambda(result: Mapping[str, Any]) -> HttpAnswer:
    headers = dict(result.get("headers") or {})
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    return int(result.get("statusCode", 200)), headers, body


class _Handler(BaseHTTPRequestHandler):
    gateway: LocalGateway
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a client may idle or trickle a request before its connection is dropped

    def _serve(self) -> None:
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isascii() or not declared.isdigit():  # e.g. -1: reading "until the end" would hang
            self.close_connection = True
            self._send(*_error(ValidationError("Content-Length must be a whole number of bytes")))
            return
        length = int(declared)
        if length > MAX_BODY_BYTES:
            self._send(*_error(PayloadTooLarge("request body too large")))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items()}
        try:
            answer = self.gateway.handle(self.command, self.path, headers, body, self.client_address[0])
        except Exception:  # the function itself never lets one through; this guards the gateway's own code
            log.exception("gateway error")
            answer = _error(internal_error())
        self._send(*answer)

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
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._send(*_error(MethodNotAllowed("HEAD is not allowed")))

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
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
