"""The local gateway's answers: its own refusals in the API's error shape, and a function's result as HTTP."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from calls_platform.domain.errors import DomainError
from calls_platform.web.errors import error_body, status_of
from calls_platform.web.framing import MethodNotAllowed

HttpAnswer = tuple[int, dict[str, str], bytes]  # status, headers, body

# What every answer of the API carries (web/api.py), the gateway's own refusals included: no browser
# sniffs them into HTML, no cache keeps them.
ERROR_HEADERS = {"Content-Type": "application/json", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def error_answer(error: DomainError) -> HttpAnswer:
    headers = dict(ERROR_HEADERS)
    if isinstance(error, MethodNotAllowed) and error.allowed:
        headers["Allow"] = ", ".join(error.allowed)
    return status_of(error), headers, error_body(error).encode()


def from_lambda(result: Mapping[str, Any]) -> HttpAnswer:
    headers = dict(result.get("headers") or {})
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    return int(result.get("statusCode", 200)), headers, body
