"""The middleware every endpoint app runs: every answer in this API's error shape (also those the framework
makes by itself), and readable by the deployed page's origin."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from chalice import Response

from calls_platform.config import allowed_origin
from calls_platform.web.errors import error_for_status, internal_error
from calls_platform.web.framing import MethodNotAllowed
from calls_platform.web.responses import error_response

log = logging.getLogger(__name__)


def api_shape_middleware(allowed: Mapping[str, Sequence[str]]) -> Callable[[Any, Callable[[Any], Response]], Response]:
    """Middleware: every answer in this API's error shape, and readable by the deployed page's origin."""

    def api_shape(request: Any, get_response: Callable[[Any], Response]) -> Response:
        try:
            response = get_response(request)
        except Exception:
            log.exception("unhandled error")
            response = error_response(internal_error())
        return _allow_page_origin(_own_shape(response, allowed.get(getattr(request, "path", ""), ())))

    return api_shape


def _own_shape(response: Response, allowed: Sequence[str]) -> Response:
    """Our answers carry JSON text. An error with any other body is one the framework made without reaching
    a route of ours (a method outside API Gateway's seven): known only by its status, it gets our shape."""
    if response.status_code < 400 or isinstance(response.body, str):
        return response
    error = error_for_status(response.status_code, _reason(response.status_code))
    if isinstance(error, MethodNotAllowed):
        error.allowed = tuple(sorted(allowed))
    return error_response(error)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "request refused"


def _allow_page_origin(response: Response) -> Response:
    """The deployed page is another origin (CloudFront): ALLOWED_ORIGIN, set by the stack, may read answers."""
    origin = allowed_origin()
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"  # the page says when to try again
        response.headers["Vary"] = "Origin"
    return response
