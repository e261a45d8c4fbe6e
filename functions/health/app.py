"""GET /api/health: 200 when the database answers, 503 otherwise."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases.health import check_health
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def health(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    return 200, check_health(bootstrap.container().database)


ROUTES = (Route("GET", "/api/health", health, auth=False),)
app = endpoint_app("health", ROUTES)
