"""GET /api/voice/token: a fresh short-lived token for the browser's Voice SDK client."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import voice
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import voice_token_json


def voice_token(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    return 200, voice_token_json(voice.voice_token(bootstrap.container().voice_token_deps, request.caller))


ROUTES = (Route("GET", "/api/voice/token", voice_token),)
app = endpoint_app("voice_token", ROUTES)
