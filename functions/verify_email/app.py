"""POST /api/auth/verify-email {token}: the link from the sign-up email marks the address verified."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import accounts
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def verify_email(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    accounts.verify_email(bootstrap.container().accounts, request.field("token"))
    return 200, {"email_verified": True}


ROUTES = (Route("POST", "/api/auth/verify-email", verify_email, auth=False, body="json"),)
app = endpoint_app("verify_email", ROUTES)
