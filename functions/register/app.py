"""POST /api/auth/register: create an account; a verification link goes to its email."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import accounts
from calls_platform.web.api import ApiRequest, Route, email_language, endpoint_app
from calls_platform.web.presenters import user_json


def register(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    container = bootstrap.container()
    user = accounts.sign_up(
        container.accounts,
        container.auth,
        request.field("email"),
        request.field("password"),
        request.source_ip,
        email_language(request),
    )
    return 201, user_json(user)


ROUTES = (Route("POST", "/api/auth/register", register, auth=False, body="json"),)
app = endpoint_app("register", ROUTES)
