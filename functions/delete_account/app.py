"""DELETE /api/account {password}: hang up any live call, then delete the account and its history."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import accounts
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def delete_account(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    accounts.delete_account(bootstrap.container().accounts, request.caller, request.field("password"))
    return 200, {"deleted": True}


ROUTES = (Route("DELETE", "/api/account", delete_account, body="json"),)
app = endpoint_app("delete_account", ROUTES)
