"""POST /api/calls/terminate: hang up one of the caller's own calls."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import calls
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import ended_call_json


def terminate_call(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    deps = bootstrap.container().call_deps
    call = calls.terminate_call(deps, request.caller, request.field("call_id"), request.field("reason"))
    return 200, ended_call_json(call)


ROUTES = (Route("POST", "/api/calls/terminate", terminate_call, body="json"),)
app = endpoint_app("terminate_call", ROUTES)
