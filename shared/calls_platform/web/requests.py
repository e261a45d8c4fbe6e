"""A request as a view sees it (`ApiRequest`), the routes that declare views, and the parsing between them:
bearer token, JSON or form body, query, the public URL webhook signatures are computed over."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from calls_platform import bootstrap, logs
from calls_platform.domain.errors import ValidationError
from calls_platform.web.bodies import form, json_object, text_fields

if TYPE_CHECKING:
    from calls_platform.domain.users import Caller


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


def parse_request(request: Any, route: Route, path_params: Mapping[str, str], context: Any) -> ApiRequest:
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    caller = None
    if route.auth:
        from calls_platform.use_cases.signed_in import signed_in

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
