"""POST /api/calls/initiate: dial an E.164 number and hand the browser its SDP offer.

An `Idempotency-Key` header makes retries safe: the same key and body return the first response and place
no second call.
"""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import initiate
from calls_platform.web.api import ApiRequest, Route, endpoint_app, idempotency_key
from calls_platform.web.presenters import initiated_call_json


def initiate_call(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    container = bootstrap.container()

    def place() -> dict[str, Any]:
        initiated = initiate.initiate_call(container.call_deps, request.caller, request.field("phone_number"))
        return initiated_call_json(initiated)

    key = idempotency_key(request)
    if key is None:
        return 201, place()
    return 201, container.idempotency.run(
        "initiate", str(request.caller.user_id), key, request.body, place, request.context
    )


ROUTES = (Route("POST", "/api/calls/initiate", initiate_call, body="json"),)
app = endpoint_app("initiate_call", ROUTES)
