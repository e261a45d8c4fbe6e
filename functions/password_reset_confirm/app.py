"""POST /api/auth/password-reset/confirm {token, password}: the new password; every session of the account ends."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import recovery
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def password_reset_confirm(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    recovery.confirm_password_reset(bootstrap.container().accounts, request.field("token"), request.field("password"))
    return 200, {"password_changed": True}


ROUTES = (Route("POST", "/api/auth/password-reset/confirm", password_reset_confirm, auth=False, body="json"),)
app = endpoint_app("password_reset_confirm", ROUTES)
