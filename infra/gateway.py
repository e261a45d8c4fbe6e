"""A local stand-in for API Gateway: routes each request to the Lambda function that owns it.

Every function's own Chalice app is invoked with the REST (v1) proxy event API Gateway would send, so
`make run` serves exactly the code that is deployed, one function per route, with no second copy of a route.
Its parts, as Chalice's local.py splits its own: the route table (`routes.py`), the event and context a
function gets (`proxy_events.py`), the page's files (`page.py`), answers (`answers.py`), this gateway, and
the HTTP request handler and server (`http_handler.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

from calls_platform.web.bodies import MAX_BODY_BYTES
from calls_platform.web.framing import MethodNotAllowed, NotFound, PayloadTooLarge
from infra.answers import HttpAnswer, error_answer, from_lambda
from infra.http_handler import http_server
from infra.page import TWILIO_ORIGINS, page_headers, static_file
from infra.proxy_events import Request, lambda_context, proxy_event
from infra.routes import Endpoint, routes_table
from infra.workers import WorkerPool, reserved_functions

# What the other modules of the local stack, the tests and the benchmarks import from here.
__all__ = [
    "MAX_BODY_BYTES",
    "TWILIO_ORIGINS",
    "LocalGateway",
    "concurrent_gateway",
    "http_server",
    "lambda_context",
    "page_headers",
    "proxy_event",
    "routes_table",
]


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
                return error_answer(MethodNotAllowed(f"{method} is not allowed on {url.path}", ["GET"]))
            return static_file(url.path)
        matches = [(e, m) for e in self.endpoints if (m := e.regex.match(url.path))]
        if not matches:
            return error_answer(NotFound(f"no route for {url.path}"))
        # Like API Gateway: the most specific resource answers (endpoints are sorted literal-first), and a
        # method it lacks is refused there, never handed to a looser template (/api/calls/answer is no call id).
        resource = matches[0][0].path
        matches = [(e, m) for e, m in matches if e.path == resource]
        chosen = [(e, m) for e, m in matches if e.method == method]
        if not chosen:
            allowed = sorted({e.method for e, _ in matches})
            return error_answer(MethodNotAllowed(f"{method} is not allowed on {url.path}", allowed))
        if len(body) > MAX_BODY_BYTES:
            return error_answer(PayloadTooLarge(f"request body must be at most {MAX_BODY_BYTES} bytes"))
        endpoint, match = chosen[0]
        request = Request(method, url.path, url.query, headers, body, source_ip)
        event = proxy_event(endpoint.path, request, match.groupdict())
        if self.workers is not None:
            result = self.workers.invoke(endpoint.function, event)
        else:
            with self._lock:
                result = endpoint.app(event, lambda_context(endpoint.function))
        return from_lambda(result)

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()


def concurrent_gateway(size: int | None = None) -> LocalGateway:
    """The gateway `make run` serves: every route, each request in its own warm worker process."""
    endpoints = routes_table()
    return LocalGateway(endpoints, WorkerPool(sorted({e.function for e in endpoints}), size, reserved_functions()))
