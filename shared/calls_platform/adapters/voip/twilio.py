"""Real calls through Twilio's Calls API with the official `twilio` client.

Browser leg first: the call rings the caller's browser (Voice JavaScript SDK client `<identity>`); once the
browser accepts, inline TwiML (built with `VoiceResponse`) dials the phone, so the caller hears ringback and
the person called never picks up into silence, and nobody is dialled when no browser takes the call. Inline
TwiML means Twilio fetches no TwiML URL from us; the only webhook is the signed status callback, which both
legs use (its URL carries `?call_id=`; the phone leg's callbacks carry `ParentCallSid`, the browser leg's Call
SID).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from calls_platform.adapters.voip.identity import client_identity
from calls_platform.domain.calls import Call, CallStatus
from calls_platform.domain.errors import (
    CallInitiationFailed,
    DestinationNotAllowed,
    InvalidPhoneNumber,
    VoipNotConfigured,
)
from calls_platform.domain.phone import mask_numbers
from calls_platform.domain.sdp import build_audio_offer

log = logging.getLogger(__name__)

STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
STATUS_CALLBACK_PATH = "/api/webhooks/twilio/status"
_INVALID_NUMBER = {21211, 21214, 21217, 13223, 13224}  # Twilio: the 'To' number is not a valid phone number
# The account may not call that destination (geo permissions, blocked or high-risk numbers): a policy, not an
# outage, so it is neither a VoipError nor retried.
_NOT_ALLOWED = {21215, 21216, 13227}
_ALREADY_ENDED = {20404, 21220}  # not found / "call is not in-progress"
_TOO_MANY = {20429}
HTTP_TIMEOUT_S = 5.0
RING_TIMEOUT_S = 30  # how long the browser, then the phone, may ring
MAX_CALL_SECONDS = 7200
REQUIRED_SECRET_KEYS = (
    "voip_account_sid",
    "voip_auth_token",
    "voip_from_number",
    "voip_api_key_sid",
    "voip_api_key_secret",
)


def browser_address(call: Call) -> str:
    """`client:<identity>?call_id=<id>`: Twilio passes a client address's query string to the Voice SDK as the
    incoming call's custom parameters (Twilio docs, Conference Participants "Custom Parameters": "passed to the
    specified Client ID ... in the `to` field using query string notation, e.g.
    client:alice?mycustomparam1=foo&mycustomparam2=bar"; twilio-voice.js lib/twilio/device.ts
    `_handleCallInvite` builds `customParameters` from `queryToJson(payload.parameters.Params)`), so the page
    reads `call.customParameters.get("call_id")`. A UUID needs no escaping."""
    return f"client:{client_identity(call.user_id)}?call_id={call.call_id}"


@dataclasses.dataclass(frozen=True)
class Retry:
    """How a refusal for too many requests (429, 20429) is retried: `times`, after backoff_s, 2x, 4x..."""

    times: int = 3
    backoff_s: float = 0.25
    sleep: Callable[[float], None] = time.sleep


class TwilioProvider:
    connects_on_browser_answer = False  # the call is active when the dialled phone answers (status callback)

    def __init__(
        self,
        client: Client,
        from_number: str,
        public_base_url: str,
        max_call_seconds: int = MAX_CALL_SECONDS,
        retry: Retry | None = None,
    ) -> None:
        self._client = client
        self._from = from_number
        self._status_url = public_base_url.rstrip("/") + STATUS_CALLBACK_PATH
        self._max_call_seconds = max_call_seconds
        retry = retry or Retry()
        self._retries = retry.times
        self._backoff = retry.backoff_s
        self._sleep = retry.sleep

    def ensure_configured(self) -> None:
        """Built only from a complete configuration (twilio_provider), so there is nothing left to check."""

    def audio_offer(self, call: Call) -> str:
        """The Voice SDK brings its own media; the API's offer keeps the guide's response shape."""
        return build_audio_offer()

    def accept_answer(self, call: Call, sdp_answer: str) -> None:
        """The Voice SDK's media is negotiated with Twilio directly."""

    def place_call(self, call: Call, max_seconds: int | None = None) -> str:
        try:
            created = self._send(
                lambda: self._client.calls.create(
                    to=browser_address(call),
                    from_=self._from,
                    twiml=self.phone_leg_twiml(call, max_seconds),
                    status_callback=self.status_callback_url(call),
                    status_callback_event=STATUS_EVENTS,
                    status_callback_method="POST",
                    timeout=RING_TIMEOUT_S,
                )
            )
        except TwilioRestException as error:
            if error.code in _INVALID_NUMBER:
                raise InvalidPhoneNumber(f"the provider refused the number as invalid (Twilio {error.code})") from None
            if error.code in _NOT_ALLOWED:
                raise DestinationNotAllowed(
                    f"calls to this destination are not allowed for this account (Twilio {error.code})"
                ) from None
            raise _unavailable(error) from error
        return str(created.sid)

    def status_callback_url(self, call: Call) -> str:
        """Both legs' callbacks name our call (Twilio signs the URL with its query): the webhook finds the call
        by it, and stores the SID then, so initiate need not write the SID to Postgres."""
        return f"{self._status_url}?call_id={call.call_id}"

    def phone_leg_twiml(self, call: Call, max_seconds: int | None = None) -> str:
        """What runs once the browser accepted: ring the phone (the caller hears ringback meanwhile), show our
        number, end the call after `timeLimit` seconds whatever happens, and report the phone leg's progress
        on its own status callback."""
        response = VoiceResponse()
        limit = min(self._max_call_seconds, max_seconds) if max_seconds else self._max_call_seconds
        dial = response.dial(caller_id=self._from, time_limit=max(1, limit), timeout=RING_TIMEOUT_S)
        dial.number(
            call.phone_number,
            status_callback=self.status_callback_url(call),
            status_callback_event=" ".join(STATUS_EVENTS),
            status_callback_method="POST",
        )
        return str(response)

    def hang_up(self, provider_call_id: str, status: CallStatus) -> None:
        """`completed` ends an answered call, `canceled` one still queued or ringing. If the call turns out
        to have been answered meanwhile (canceling leaves it running), end it with `completed`."""
        target = "completed" if status is CallStatus.ACTIVE else "canceled"
        result = self._update(provider_call_id, target)
        if target == "canceled" and result == "in-progress":
            self._update(provider_call_id, "completed")

    def _update(self, provider_call_id: str, target: str) -> str | None:
        try:
            updated = self._send(lambda: self._client.calls(provider_call_id).update(status=target))
        except TwilioRestException as error:
            if error.code in _ALREADY_ENDED or error.status == 404:
                return None  # Twilio ended it already: nothing left to hang up
            raise _unavailable(error) from error
        return getattr(updated, "status", None)

    def _send(self, request: Callable[[], Any]) -> Any:
        """One API request. 429s are retried with bounded exponential backoff (nothing else is: a 5xx or a
        timeout may have placed the call); connection errors and timeouts become CallInitiationFailed."""
        for attempt in range(self._retries + 1):
            try:
                return request()
            except TwilioRestException as error:
                if (error.status == 429 or error.code in _TOO_MANY) and attempt < self._retries:
                    self._sleep(self._backoff * 2**attempt)
                    continue
                raise
            except requests.RequestException as error:
                raise CallInitiationFailed(mask_numbers(f"{type(error).__name__}: {error}")) from error
        raise AssertionError("unreachable")


def _unavailable(error: TwilioRestException) -> CallInitiationFailed:
    # Twilio's text may hold the dialled number: masked before it reaches any log.
    return CallInitiationFailed(mask_numbers(f"twilio HTTP {error.status} code {error.code}: {error.msg}"))


def twilio_provider(
    secret: dict[str, Any], public_base_url: str, max_call_seconds: int = MAX_CALL_SECONDS
) -> TwilioProvider:
    """The provider from the app secret's `voip_*` fields. Every one is needed (the API key signs the browser
    leg's tokens): an incomplete set is refused here, before anything is dialled or recorded."""
    missing = [k for k in REQUIRED_SECRET_KEYS if not secret.get(k)]
    if missing:
        raise VoipNotConfigured(f"VOIP_PROVIDER=twilio needs {', '.join(missing)} in the app secret")
    client = Client(
        secret["voip_account_sid"], secret["voip_auth_token"], http_client=TwilioHttpClient(timeout=HTTP_TIMEOUT_S)
    )
    if secret.get("voip_api_base_url"):  # a local fake Twilio (tests, VOIP_API_BASE_URL); never set in AWS
        client.api.base_url = secret["voip_api_base_url"]
    return TwilioProvider(client, secret["voip_from_number"], public_base_url, max_call_seconds)
