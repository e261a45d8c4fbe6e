"""POST /api/auth/password-reset {email}: email a reset link if the address has an account (the same answer,
in the same time, whether or not it has)."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import recovery
from calls_platform.web.api import ApiRequest, Route, email_language, endpoint_app


def password_reset(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    recovery.request_password_reset(
        bootstrap.container().accounts, request.field("email"), request.source_ip, email_language(request)
    )
    return 202, {"status": "if the address has an account, a reset link is on its way"}


ROUTES = (Route("POST", "/api/auth/password-reset", password_reset, auth=False, body="json"),)
app = endpoint_app("password_reset", ROUTES)
