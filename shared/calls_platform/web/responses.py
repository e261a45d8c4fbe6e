"""The API's answers: JSON, a text download, and every error in one shape with its status and headers."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalice import Response

from calls_platform.domain.errors import DomainError, RetryLater
from calls_platform.web.errors import error_body, status_of
from calls_platform.web.framing import MethodNotAllowed

if TYPE_CHECKING:
    from calls_platform.web.requests import TextBody

log = logging.getLogger(__name__)

_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


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


def domain_error_response(error: DomainError) -> Response:
    if status_of(error) >= 500:
        cause = error.__cause__
        from calls_platform.domain.phone import mask_numbers

        # A provider's exception text may hold the dialled number.
        log.error(error.message, extra={"error": error.code, "cause": mask_numbers(repr(cause)) if cause else None})
    return error_response(error)
