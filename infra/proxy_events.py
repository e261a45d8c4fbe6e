"""The event API Gateway's REST (v1) proxy integration sends a function, and the context Lambda gives it."""

from __future__ import annotations

import base64
import dataclasses
import types
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs


@dataclasses.dataclass(frozen=True)
class Request:
    """One HTTP request as the local gateway received it."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    source_ip: str = "127.0.0.1"


def proxy_event(resource: str, request: Request, path_params: Mapping[str, str]) -> dict[str, Any]:
    """The REST API (v1) proxy event for one request, as API Gateway builds it for the route `resource`."""
    method, path, query, headers, body = request.method, request.path, request.query, request.headers, request.body
    source_ip = request.source_ip
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
