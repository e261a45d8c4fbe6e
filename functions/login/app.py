"""POST /api/auth/login: exchange email and password for an access token."""

import dataclasses
from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import auth
from calls_platform.web.api import ApiRequest, Route, email_language, endpoint_app


def login(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    token = auth.login(
        bootstrap.container().auth,
        request.field("email"),
        request.field("password"),
        request.source_ip,
        request.field("login_code"),
        email_language(request),
    )
    return 200, dataclasses.asdict(token)


ROUTES = (Route("POST", "/api/auth/login", login, auth=False, body="json"),)
app = endpoint_app("login", ROUTES)
