"""POST /api/calls/answer: the browser's SDP answer to the call's offer."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import answer
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import call_json


def answer_call(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    call = answer.answer_call(
        bootstrap.container().call_deps, request.caller, request.field("call_id"), request.field("sdp_answer")
    )
    return 200, call_json(call)


ROUTES = (Route("POST", "/api/calls/answer", answer_call, body="json"),)
app = endpoint_app("answer_call", ROUTES)
