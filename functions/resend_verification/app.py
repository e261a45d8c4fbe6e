"""POST /api/auth/verify-email/resend (signed in): send the verification link again."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import accounts
from calls_platform.web.api import ApiRequest, Route, email_language, endpoint_app


def resend_verification(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    sent = accounts.resend_verification(bootstrap.container().accounts, request.caller, email_language(request))
    return (202, {"status": "sent"}) if sent else (200, {"status": "already_verified"})


ROUTES = (Route("POST", "/api/auth/verify-email/resend", resend_verification),)
app = endpoint_app("resend_verification", ROUTES)
