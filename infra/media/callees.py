"""The scripted callees, by number (like Twilio's test numbers): what each does and how its call ends.

Every report is a provider status word of `domain/provider_status.py` on the phone's leg, applied through the
same use case a provider's status callback takes. docs/mock-media.md lists them for people.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Script:
    """Rings `ring_seconds` (ringback, or the busy tone), then ends with `unanswered` when that is set, or
    answers (billing starts), plays the greeting and echoes; after `talk_seconds`, if set, ends with `hang_up`."""

    ring_seconds: float
    unanswered: str | None = None  # the status word reported instead of answering
    talk_seconds: float | None = None  # None: talks until the caller hangs up
    hang_up: str = "completed"  # how the callee ends an answered call: hangs up, or its media drops
    busy_tone: bool = False


ECHO = Script(ring_seconds=2.0)
CALLEES: dict[str, Script] = {
    "+12025550101": Script(ring_seconds=1.5, unanswered="busy", busy_tone=True),
    "+12025550102": Script(ring_seconds=6.0, unanswered="no-answer"),
    "+12025550103": Script(ring_seconds=2.0, talk_seconds=4.0),
    "+12025550104": Script(ring_seconds=0.5, unanswered="failed"),
    "+12025550105": Script(ring_seconds=2.0, talk_seconds=4.0, hang_up="connection-lost"),
}


def script_for(number: str) -> Script:
    """Every other number answers and echoes."""
    return CALLEES.get(number, ECHO)
