"""A provider that places no real call: predictable, free, and needs no credentials."""

from calls_platform.domain.calls import Call, CallStatus


class MockVoipProvider:
    connects_on_browser_answer = True  # no real callee: the browser answering is the call being answered

    def ensure_configured(self) -> None:
        """Needs no settings."""

    def place_call(self, call: Call, max_seconds: int | None = None) -> str:
        return f"mock-{call.call_id.hex}"

    def hang_up(self, provider_call_id: str, status: CallStatus) -> None:
        """Nothing rings, so there is nothing to hang up."""


class NoVoiceTokens:
    """Mock mode: the browser needs no provider token."""

    def issue(self, user_id: object) -> None:
        return None
