"""GET /api/account: the caller's email, whether it is verified, when the account began, minutes left today."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import accounts
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import rfc3339


def get_account(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    view = accounts.account_view(bootstrap.container().accounts, request.caller)
    return 200, {
        "email": view.email,
        "email_verified": view.email_verified,
        "created_at": rfc3339(view.created_at),
        "minutes_left_today": view.minutes_left_today,
    }


ROUTES = (Route("GET", "/api/account", get_account),)
app = endpoint_app("get_account", ROUTES)
