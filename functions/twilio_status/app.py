"""POST /api/webhooks/twilio/status: Twilio's signed status callbacks move calls through their states.

Answers 200 to every correctly signed callback (even a stale or unknown one) so Twilio stops retrying;
403 to a missing or wrong signature, changing nothing.
"""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import provider_events
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def twilio_status(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    container = bootstrap.container()
    provider_events.handle_status_callback(
        container.call_deps,
        container.status_callbacks,
        request.public_url,
        request.body,
        request.headers.get("x-twilio-signature"),
        request.query,
    )
    return 200, {"status": "received"}


ROUTES = (Route("POST", "/api/webhooks/twilio/status", twilio_status, auth=False, body="form"),)
app = endpoint_app("twilio_status", ROUTES)
