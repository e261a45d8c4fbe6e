"""Twilio's status callbacks: signature check (X-Twilio-Signature) and parsing into a ProviderCallEvent.

Only the request's shape is known here; what each CallStatus means is domain/provider_status.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

from calls_platform.domain.calls import parse_call_id
from calls_platform.domain.errors import ValidationError
from calls_platform.domain.provider_status import STATUS_WORDS, Leg
from calls_platform.use_cases.provider_ports import ProviderCallEvent


class TwilioStatusCallbacks:
    def __init__(self, auth_token: str) -> None:
        self._validator = RequestValidator(auth_token) if auth_token else None

    def verify(self, url: str, params: Mapping[str, str], signature: str | None) -> bool:
        """HMAC-SHA1 of the exact public URL Twilio called plus the sorted POST parameters."""
        if self._validator is None or not signature:
            return False
        return bool(self._validator.validate(url, dict(params), signature))

    @staticmethod
    def parse(params: Mapping[str, str], query: Mapping[str, str]) -> ProviderCallEvent | None:
        """The phone's leg (dialled by the browser leg's <Dial><Number>) reports with its parent's SID in
        `ParentCallSid`: the call's SID. The browser leg reports under that SID itself. Both callback URLs
        carry `?call_id=`, our id for the call (calls placed before that are found by their SID)."""
        status = params.get("CallStatus", "")
        sid = params.get("CallSid", "")
        if status not in STATUS_WORDS or not sid:
            return None
        parent = params.get("ParentCallSid", "")
        duration = params.get("CallDuration", "")
        if duration and not (duration.isascii() and duration.isdigit() and len(duration) <= 9):
            raise ValidationError("CallDuration must be a whole number of seconds")  # not a 500 at the database
        leg = Leg.PHONE if parent else Leg.BROWSER
        call_id = parse_call_id(query["call_id"]) if "call_id" in query else None
        return ProviderCallEvent(parent or sid, status, int(duration) if duration else None, leg, call_id)
