"""Real calls through Twilio's Calls API with the official `twilio` client.

The call rings the dialled phone; when it answers, inline TwiML (built with `VoiceResponse`) bridges it to
the caller's browser (Voice JavaScript SDK client `<identity>`). Inline TwiML means Twilio fetches no TwiML
URL from us; the only webhook is the signed status callback.
"""

from __future__ import annotations

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
from calls_platform.domain.errors import ConfigurationError, InvalidPhoneNumber, VoipUnavailable

log = logging.getLogger(__name__)

STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
STATUS_CALLBACK_PATH = "/api/webhooks/twilio/status"
_INVALID_NUMBER = {21211, 21214, 21217, 13223, 13224}  # Twilio: the 'To' number is not a valid phone number
_ALREADY_ENDED = {20404, 21220}  # not found / "call is not in-progress"
_TOO_MANY = {20429}
HTTP_TIMEOUT_S = 5.0
RING_TIMEOUT_S = 30


class TwilioProvider:
    connects_on_browser_answer = False  # the call is active when the dialled phone answers (status callback)

    def __init__(
        self,
        client: Client,
        from_number: str,
        public_base_url: str,
        retries: int = 3,
        backoff_s: float = 0.25,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._from = from_number
        self._status_url = public_base_url.rstrip("/") + STATUS_CALLBACK_PATH
        self._retries = retries
        self._backoff = backoff_s
        self._sleep = sleep

    def place_call(self, call: Call) -> str:
        response = VoiceResponse()
        response.dial(answer_on_bridge=True, timeout=RING_TIMEOUT_S).client(client_identity(call.user_id))
        try:
            created = self._send(
                lambda: self._client.calls.create(
                    to=call.phone_number,
                    from_=self._from,
                    twiml=str(response),
                    status_callback=self._status_url,
                    status_callback_event=STATUS_EVENTS,
                    status_callback_method="POST",
                    timeout=RING_TIMEOUT_S,
                )
            )
        except TwilioRestException as error:
            if error.code in _INVALID_NUMBER:
                raise InvalidPhoneNumber(f"the provider refused the number as invalid (Twilio {error.code})") from None
            raise _unavailable(error) from error
        return created.sid

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
        timeout may have placed the call); connection errors and timeouts become VoipUnavailable."""
        for attempt in range(self._retries + 1):
            try:
                return request()
            except TwilioRestException as error:
                if (error.status == 429 or error.code in _TOO_MANY) and attempt < self._retries:
                    self._sleep(self._backoff * 2**attempt)
                    continue
                raise
            except requests.RequestException as error:
                raise VoipUnavailable(f"{type(error).__name__}: {error}") from error
        raise AssertionError("unreachable")


def _unavailable(error: TwilioRestException) -> VoipUnavailable:
    return VoipUnavailable(f"twilio HTTP {error.status} code {error.code}: {error.msg}")


def twilio_provider(secret: dict[str, Any], public_base_url: str) -> TwilioProvider:
    """The provider from the app secret's `voip_*` fields."""
    missing = [k for k in ("voip_account_sid", "voip_auth_token", "voip_from_number") if not secret.get(k)]
    if missing:
        raise ConfigurationError(f"VOIP_PROVIDER=twilio needs {', '.join(missing)} in the app secret")
    client = Client(
        secret["voip_account_sid"], secret["voip_auth_token"], http_client=TwilioHttpClient(timeout=HTTP_TIMEOUT_S)
    )
    if secret.get("voip_api_base_url"):  # a local fake Twilio (tests); never set in production
        client.api.base_url = secret["voip_api_base_url"]
    return TwilioProvider(client, secret["voip_from_number"], public_base_url)
