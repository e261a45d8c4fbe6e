"""Builds the Chalice app of one endpoint Lambda: routes each declared method to its view, every other method
to this API's 405, and runs the view between parsing (web/requests.py) and answering (web/responses.py).

Views are plain functions `view(request) -> (status, payload)`; everything they have in common lives in
web/, so each `functions/<endpoint>/app.py` stays a few lines and every error has the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from chalice import Chalice, Response

from calls_platform import bootstrap, logs
from calls_platform.domain.errors import DomainError
from calls_platform.web.errors import internal_error
from calls_platform.web.framing import MethodNotAllowed
from calls_platform.web.middleware import api_shape_middleware
from calls_platform.web.requests import (
    ApiRequest,
    Route,
    TextBody,
    View,
    email_language,
    idempotency_key,
    parse_request,
)
from calls_platform.web.responses import domain_error_response, error_response, json_response, text_response

__all__ = [
    "HTTP_METHODS",
    "ApiRequest",
    "Route",
    "TextBody",
    "View",
    "email_language",
    "endpoint_app",
    "error_response",
    "idempotency_key",
    "json_response",
]

log = logging.getLogger(__name__)

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")  # all API Gateway routes


def endpoint_app(name: str, routes: Sequence[Route]) -> Chalice:
    app = Chalice(app_name=name, configure_logs=False)
    app.register_middleware(api_shape_middleware(_methods_by_path(routes)), "http")
    for route in routes:
        # content_types */*: the content type is checked here, so a wrong one gets this API's error shape.
        app.route(route.path, methods=[route.method], content_types=["*/*"], name=route.view.__name__)(
            _handler(app, name, route)
        )
    for path, methods in _methods_by_path(routes).items():
        # The other methods get our own 405 (with `Allow`), not the one Chalice would make.
        others = [m for m in HTTP_METHODS if m not in methods]
        app.route(path, methods=others, content_types=["*/*"], name="method_not_allowed")(_refuse(app, path, methods))
    return app


def _methods_by_path(routes: Sequence[Route]) -> dict[str, list[str]]:
    by_path: dict[str, list[str]] = {}
    for route in routes:
        by_path.setdefault(route.path, []).append(route.method)
    return by_path


def _refuse(app: Chalice, path: str, allowed: Sequence[str]) -> Callable[..., Response]:
    def method_not_allowed(**path_params: str) -> Response:
        request = app.current_request
        method = request.method if request is not None else "this method"
        return error_response(MethodNotAllowed(f"{method} is not allowed on {path}", sorted(allowed)))

    return method_not_allowed


def _handler(app: Chalice, name: str, route: Route) -> Callable[..., Response]:
    def handle(**path_params: str) -> Response:
        context = app.lambda_context
        logs.request_id.set(getattr(context, "aws_request_id", None))
        logs.function_name.set(name)
        try:
            status, payload = route.view(parse_request(app.current_request, route, path_params, context))
        except DomainError as error:
            return domain_error_response(error)
        except Exception:
            log.exception("unhandled error")
            return error_response(internal_error())
        finally:
            _end_of_invocation()
        if isinstance(payload, TextBody):
            return text_response(status, payload)
        return json_response(status, payload)

    handle.__name__ = route.view.__name__
    return handle


def _end_of_invocation() -> None:
    try:
        bootstrap.container().end_of_invocation()
    except Exception:  # metrics must never turn an answer into an error
        log.exception("could not flush metrics")
    logs.call_id.set(None)
