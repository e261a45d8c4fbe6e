"""POST /api/auth/logout: revoke a refresh token and every token rotated from it."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import auth
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def logout(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    auth.logout(bootstrap.container().auth, request.field("refresh_token"))
    return 200, {"status": "logged_out"}


ROUTES = (Route("POST", "/api/auth/logout", logout, auth=False, body="json"),)
app = endpoint_app("logout", ROUTES)
