"""GET /api/calls/{call_id}: one of the caller's own calls, with its SDP offer and answer."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import calls
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import call_json


def get_call(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    return 200, call_json(calls.get_call(bootstrap.container().call_deps, request.caller, request.path["call_id"]))


ROUTES = (Route("GET", "/api/calls/{call_id}", get_call),)
app = endpoint_app("get_call", ROUTES)
