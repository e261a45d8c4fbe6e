"""A provider that places no real call: predictable, free, and needs no credentials."""

from calls_platform.domain.calls import Call


class MockVoipProvider:
    def place_call(self, call: Call) -> str:
        return f"mock-{call.call_id.hex}"

    def hang_up(self, call: Call) -> None:
        """Nothing rings, so there is nothing to hang up."""
