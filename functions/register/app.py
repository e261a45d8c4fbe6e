"""POST /api/auth/register: create an account."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import auth
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import user_json


def register(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    user = auth.register(
        bootstrap.container().auth, request.field("email"), request.field("password"), request.source_ip
    )
    return 201, user_json(user)


ROUTES = (Route("POST", "/api/auth/register", register, auth=False, body="json"),)
app = endpoint_app("register", ROUTES)
