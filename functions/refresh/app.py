"""POST /api/auth/refresh: a refresh token for a new access and refresh token (the old one is spent)."""

import dataclasses
from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import auth
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def refresh(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    return 200, dataclasses.asdict(auth.refresh(bootstrap.container().auth, request.field("refresh_token")))


ROUTES = (Route("POST", "/api/auth/refresh", refresh, auth=False, body="json"),)
app = endpoint_app("refresh", ROUTES)
