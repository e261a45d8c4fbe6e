"""Builds the Chalice app of one endpoint Lambda: parse, authenticate, call the view, map errors.

Views are plain functions `view(request) -> (status, payload)`; everything they have in common lives here,
so each `functions/<endpoint>/app.py` stays a few lines and every error has the same shape.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from chalice import Chalice, Response

from calls_platform import bootstrap, logs
from calls_platform.domain.errors import (
    DomainError,
    MethodNotAllowed,
    RetryLater,
    ValidationError,
)
from calls_platform.web.bodies import form, json_object, text_fields
from calls_platform.web.errors import error_body, error_for_status, internal_error, status_of

if TYPE_CHECKING:
    from calls_platform.domain.users import Caller

log = logging.getLogger(__name__)

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")  # all API Gateway routes
_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@dataclasses.dataclass(frozen=True)
class ApiRequest:
    body: Mapping[str, Any]
    headers: Mapping[str, str]
    query: Mapping[str, str]
    path: Mapping[str, str]
    signed_in: Caller | None  # who sent the bearer token, on routes with auth; None on the others
    public_url: str  # the URL the client called, as seen from outside (webhook signatures are over it)
    context: Any = None  # the Lambda context
    source_ip: str = "unknown"  # the client's address as API Gateway saw it

    def field(self, name: str) -> Any:
        return self.body.get(name)

    @property
    def caller(self) -> Caller:
        """Who sent the bearer token: only routes with auth have one (they answer 401 before the view runs)."""
        if self.signed_in is None:
            raise RuntimeError("caller asked of a request on a route without auth")
        return self.signed_in


View = Callable[[ApiRequest], tuple[int, Any]]


@dataclasses.dataclass(frozen=True)
class TextBody:
    """A view's payload that is not JSON (the CSV export), sent as it is, as a download named `filename`."""

    text: str
    content_type: str
    filename: str


def email_language(request: ApiRequest) -> str:
    """The language of the emails a request sends: its `language` field, else its Accept-Language."""
    from calls_platform.domain.accounts import choose_language

    return choose_language(request.field("language"), request.headers.get("accept-language"))


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    path: str
    view: View
    auth: bool = True  # requires `Authorization: Bearer <access token>`
    body: str | None = None  # "json": a JSON object body; "form": form-encoded (webhooks)


def endpoint_app(name: str, routes: Sequence[Route]) -> Chalice:
    app = Chalice(app_name=name, configure_logs=False)
    app.register_middleware(_api_shape(_methods_by_path(routes)), "http")
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


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(body=json.dumps(payload, default=str), status_code=status, headers={**_HEADERS, **(headers or {})})


def text_response(status: int, payload: TextBody) -> Response:
    disposition = f'attachment; filename="{payload.filename}"'
    headers: dict[str, str | list[str]] = {
        **_HEADERS,
        "Content-Type": payload.content_type,
        "Content-Disposition": disposition,
    }
    return Response(body=payload.text, status_code=status, headers=headers)


def error_response(error: DomainError) -> Response:
    """The error in the API's shape, with its status and the headers it calls for (Retry-After, Allow)."""
    headers: dict[str, str | list[str]] = {**_HEADERS}
    if isinstance(error, RetryLater) and error.retry_after:
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, MethodNotAllowed) and error.allowed:
        headers["Allow"] = ", ".join(error.allowed)
    return Response(body=error_body(error), status_code=status_of(error), headers=headers)


def _handler(app: Chalice, name: str, route: Route) -> Callable[..., Response]:
    def handle(**path_params: str) -> Response:
        context = app.lambda_context
        logs.request_id.set(getattr(context, "aws_request_id", None))
        logs.function_name.set(name)
        try:
            status, payload = route.view(_parse(app.current_request, route, path_params, context))
        except DomainError as error:
            return _domain_error(error)
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


def _domain_error(error: DomainError) -> Response:
    if status_of(error) >= 500:
        cause = error.__cause__
        from calls_platform.domain.phone import mask_numbers

        # A provider's exception text may hold the dialled number.
        log.error(error.message, extra={"error": error.code, "cause": mask_numbers(repr(cause)) if cause else None})
    return error_response(error)


def _parse(request: Any, route: Route, path_params: Mapping[str, str], context: Any) -> ApiRequest:
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    caller = None
    if route.auth:
        from calls_platform.use_cases.auth import signed_in

        caller = signed_in(bootstrap.container().tokens, headers.get("authorization"))
    raw = request.raw_body or b""
    if route.body == "json":
        body = json_object(raw, headers.get("content-type"))
    elif route.body == "form":
        body = form(raw, headers.get("content-type"))
    else:
        body = {}
    query = text_fields(dict(request.query_params or {}), "query parameter")
    call_id = body.get("call_id") or path_params.get("call_id")
    logs.call_id.set(call_id if isinstance(call_id, str) else None)
    source_ip = ((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown"
    public_url = _public_url(route, path_params, query)
    return ApiRequest(body, headers, query, dict(path_params), caller, public_url, context, source_ip)


def _public_url(route: Route, path_params: Mapping[str, str], query: Mapping[str, str]) -> str:
    path = route.path.format(**path_params) if path_params else route.path
    url = bootstrap.container().env.public_base_url.rstrip("/") + path
    return url + ("?" + urlencode(query) if query else "")


_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def idempotency_key(request: ApiRequest) -> str | None:
    """The `Idempotency-Key` header, if any: 1-255 visible ASCII characters."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationError("Idempotency-Key must be 1 to 255 visible ASCII characters")
    return key


def _api_shape(allowed: Mapping[str, Sequence[str]]) -> Callable[[Any, Callable[[Any], Response]], Response]:
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
    origin = os.environ.get("ALLOWED_ORIGIN")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"  # the page says when to try again
        response.headers["Vary"] = "Origin"
    return response
