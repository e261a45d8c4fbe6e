"""A provider that places no real call: predictable, free, and needs no credentials.

With a local media service (`MEDIA_PEER_URL`, set by the local stack: infra/media/), each call gets a real
WebRTC callee there: its offer, the browser's answer, and the hang-up go to it over HTTP, and what the callee
does comes back as the provider's status reports. Without one (deployed), the offer is synthesized and the
browser's answer connects the call.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from calls_platform.domain.calls import Call, CallStatus
from calls_platform.domain.errors import CallInitiationFailed
from calls_platform.domain.sdp import build_audio_offer

TIMEOUT_SECONDS = 5


class MockVoipProvider:
    connects_on_browser_answer = True  # no real callee: the browser answering is the call being answered

    def ensure_configured(self) -> None:
        """Needs no settings."""

    def audio_offer(self, call: Call) -> str:
        return build_audio_offer()

    def place_call(self, call: Call, max_seconds: int | None = None) -> str:
        return provider_id(call)

    def accept_answer(self, call: Call, sdp_answer: str) -> None:
        """Nothing listens: the answer is only stored."""

    def hang_up(self, provider_call_id: str, status: CallStatus) -> None:
        """Nothing rings, so there is nothing to hang up."""


class MediaPeerProvider(MockVoipProvider):
    """The mock provider with a local media peer as its callee (a development aid; stdlib HTTP only)."""

    connects_on_browser_answer = False  # the scripted callee answers, after ringing (its status report)

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")

    def audio_offer(self, call: Call) -> str:
        answer = self._post("/calls", {"call_id": str(call.call_id), "phone_number": call.phone_number})
        sdp = answer.get("sdp") if answer else None
        if not isinstance(sdp, str):
            raise CallInitiationFailed("the media peer gave no offer")
        return sdp

    def place_call(self, call: Call, max_seconds: int | None = None) -> str:
        self._post(f"/calls/{call.call_id}/dial", {"max_seconds": max_seconds})
        return provider_id(call)

    def accept_answer(self, call: Call, sdp_answer: str) -> None:
        self._post(f"/calls/{call.call_id}/answer", {"sdp": sdp_answer}, missing_ok=True)

    def hang_up(self, provider_call_id: str, status: CallStatus) -> None:
        call_id = uuid.UUID(provider_call_id.removeprefix("mock-"))
        self._post(f"/calls/{call_id}/hangup", {}, missing_ok=True)  # gone already: nothing to stop

    def _post(self, path: str, body: dict[str, Any], missing_ok: bool = False) -> dict[str, Any] | None:
        request = urllib.request.Request(
            self._base + path, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404 and missing_ok:
                return None
            raise CallInitiationFailed(f"media peer answered {error.code} to {path}") from None
        except (OSError, TimeoutError) as error:
            raise CallInitiationFailed(f"media peer unreachable: {error}") from None
        loaded = json.loads(raw) if raw else None
        return loaded if isinstance(loaded, dict) else None


def provider_id(call: Call) -> str:
    return f"mock-{call.call_id.hex}"


class NoVoiceTokens:
    """Mock mode: the browser needs no provider token."""

    def issue(self, user_id: object) -> None:
        return None
