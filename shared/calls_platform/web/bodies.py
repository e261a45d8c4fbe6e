"""Request bodies and query strings, read at the edge: size, type, shape, and text that is text.

Every string that reaches a view is valid Unicode text without NUL: a lone surrogate (JSON "\\ud800") cannot
be encoded as UTF-8 (PyJWT, Postgres and the logs all fail on it), and Postgres refuses NUL in text (22021).
Refused here with a 400, once for every field, so no view or use case has to remember it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from calls_platform.domain.errors import ValidationError
from calls_platform.web.framing import PayloadTooLarge, UnsupportedMediaType

MAX_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")  # NUL, or a surrogate (never text on its own in a str)


def form(raw: bytes, content_type: str | None) -> Mapping[str, str]:
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"request body must be at most {MAX_BODY_BYTES} bytes")
    if not content_type or content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("Content-Type must be application/x-www-form-urlencoded")
    try:
        fields = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("request body must be form-encoded UTF-8 text") from None
    return text_fields(fields, "field")


def text_fields(fields: dict[str, str], kind: str) -> dict[str, str]:
    """The fields if each name and value is text (see the module's docstring); else a 400 naming the field."""
    for name, value in fields.items():
        if _NOT_TEXT.search(name) or _NOT_TEXT.search(value):
            raise ValidationError(f"{kind} {_named(name)} must be valid UTF-8 text without NUL characters")
    return fields


def json_object(raw: bytes, content_type: str | None) -> Mapping[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"request body must be at most {MAX_BODY_BYTES} bytes")
    # Required, not assumed: a cross-site form can POST text/plain or no type at all without a CORS preflight.
    if not content_type or content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("Content-Type must be application/json")
    if not raw.strip():
        raise ValidationError("request body must be a JSON object")
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except _DuplicateKey as error:
        raise ValidationError(f"request body has the key {error.args[0]!r} twice") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError("request body must be valid JSON") from None
    if not isinstance(value, dict):
        raise ValidationError("request body must be a JSON object")
    if _depth(value) > MAX_JSON_DEPTH:  # deep bodies break what recurses later (idempotency's deepcopy)
        raise ValidationError(f"request body must nest at most {MAX_JSON_DEPTH} levels")
    _check_text(value)
    return value


def _check_text(value: dict[str, Any]) -> None:
    """Every key and string in the body is text; the refusal names the top-level field that is not."""
    for field, item in value.items():
        stack = [field, item]
        while stack:
            node = stack.pop()
            if isinstance(node, str) and _NOT_TEXT.search(node):
                raise ValidationError(f"field {_named(field)} must be valid UTF-8 text without NUL characters")
            if isinstance(node, dict):
                stack.extend([*node.keys(), *node.values()])
            elif isinstance(node, list):
                stack.extend(node)


def _named(name: str) -> str:
    """A field's name fit to echo: quoted if it is plain ASCII, else described."""
    if name.isascii() and name.isprintable() and len(name) <= 64:
        return repr(name)
    return "(a name that is not plain text)"


class _DuplicateKey(ValueError):
    """Two values for one key: which one is meant is ambiguous (and proxies may read the other one)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for key, item in pairs:
        if key in value:
            raise _DuplicateKey(key[:64])
        value[key] = item
    return value


def _depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (without recursion: the value may be thousands deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
