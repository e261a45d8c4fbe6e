"""GET /api/calls/live: the caller's live calls, newest first, so a reloaded page (or another tab) shows its call."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import live
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import live_calls_json


def live_calls(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    return 200, live_calls_json(live.live_calls(bootstrap.container().call_deps, request.caller))


ROUTES = (Route("GET", "/api/calls/live", live_calls),)
app = endpoint_app("live_calls", ROUTES)
