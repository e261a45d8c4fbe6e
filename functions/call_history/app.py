"""GET /api/calls/history: the caller's own calls, newest first."""

from calls_platform import bootstrap
from calls_platform.use_cases import calls
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import history_item_json


def call_history(request: ApiRequest) -> tuple[int, dict]:
    history = calls.call_history(bootstrap.container().calls, request.user_id)
    return 200, {"calls": [history_item_json(call) for call in history]}


ROUTES = (Route("GET", "/api/calls/history", call_history),)
app = endpoint_app("call_history", ROUTES)
