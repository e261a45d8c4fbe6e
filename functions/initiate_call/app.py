"""POST /api/calls/initiate: dial an E.164 number and hand the browser its SDP offer."""

from calls_platform import bootstrap
from calls_platform.use_cases import calls
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import initiated_call_json


def initiate_call(request: ApiRequest) -> tuple[int, dict]:
    call = calls.initiate_call(bootstrap.container().calls, request.user_id, request.field("phone_number"))
    return 201, initiated_call_json(call)


ROUTES = (Route("POST", "/api/calls/initiate", initiate_call, body=True),)
app = endpoint_app("initiate_call", ROUTES)
