"""POST /api/auth/password {current_password, new_password} (signed in): every other session ends."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import recovery
from calls_platform.web.api import ApiRequest, Route, email_language, endpoint_app


def change_password(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    recovery.change_password(
        bootstrap.container().accounts,
        request.caller,
        request.field("current_password"),
        request.field("new_password"),
        email_language(request),
    )
    return 200, {"password_changed": True}


ROUTES = (Route("POST", "/api/auth/password", change_password, body="json"),)
app = endpoint_app("change_password", ROUTES)
