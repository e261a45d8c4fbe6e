"""Requests the framework would refuse by itself get this API's error shape through Chalice's public
extension points (routes and middleware), without matching Chalice's own error codes."""

import importlib
import json
from typing import Any

import pytest
from chalice.test import Client

from calls_platform.web.api import HTTP_METHODS


def request(function: str, method: str, path: str) -> tuple[Any, Any]:
    app = importlib.import_module(f"functions.{function}.app").app
    with Client(app) as client:
        response = client.http.request(method, path, headers={"Content-Type": "application/json"}, body=b"")
    return response, json.loads(response.body) if response.body else None


@pytest.mark.parametrize("method", sorted(set(HTTP_METHODS) - {"GET"}))
def test_every_other_method_on_a_route_gets_our_405_with_allow(method: str) -> None:
    response, body = request("get_call", method, "/api/calls/3f2b6c1e-8a4d-4c3e-9b1a-2d5e7f9a0b1c")
    assert response.status_code == 405 and response.headers["Allow"] == "GET"
    assert body == {"error": "method_not_allowed", "message": f"{method} is not allowed on /api/calls/{{call_id}}"}


def test_a_method_outside_api_gateways_seven_still_gets_our_shape_by_its_status() -> None:
    response, body = request("login", "TRACE", "/api/auth/login")  # Chalice itself answers this one
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert set(body) == {"error", "message"} and body["error"] == "method_not_allowed"


def test_the_page_origin_header_is_on_framework_refusals_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_ORIGIN", "https://d111111abcdef8.cloudfront.net")
    response, _ = request("login", "TRACE", "/api/auth/login")
    assert response.headers["Access-Control-Allow-Origin"] == "https://d111111abcdef8.cloudfront.net"
