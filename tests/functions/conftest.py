"""Each endpoint through its own Chalice app (chalice.test.Client), against the real local stack."""

from __future__ import annotations

import importlib
import json

import pytest
from chalice.test import Client

from tests.conftest import unique_email


class Endpoint:
    def __init__(self, name: str) -> None:
        self.app = importlib.import_module(f"functions.{name}.app").app

    def call(self, method: str, path: str, body=None, token: str | None = None, headers=None, raw=None):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        with Client(self.app) as client:
            response = getattr(client.http, method.lower())(path, headers=sent, body=payload)
        response.json = json.loads(response.body) if response.body else None
        return response


@pytest.fixture
def endpoint(db):
    return Endpoint


@pytest.fixture
def user(endpoint):
    """A registered user and a valid access token."""
    email, password = unique_email(), "password123"
    assert (
        endpoint("register").call("POST", "/api/auth/register", {"email": email, "password": password}).status_code
        == 201
    )
    token = (
        endpoint("login").call("POST", "/api/auth/login", {"email": email, "password": password}).json["access_token"]
    )
    return {"email": email, "password": password, "token": token}


def assert_error(response, status: int, error_type: str, message_part: str = "") -> None:
    assert response.status_code == status, response.body
    assert set(response.json) == {"error", "message"}
    assert response.json["error"] == error_type
    assert message_part in response.json["message"]
