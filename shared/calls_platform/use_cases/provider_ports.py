"""What the provider's status callbacks say, and the port that checks and reads them (the twilio_status
function's alone: no other function loads it)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from typing import Protocol

from calls_platform.domain.provider_status import Leg


@dataclasses.dataclass(frozen=True)
class ProviderCallEvent:
    """One report of the VoIP provider on one leg of a call, parsed and checked (domain/provider_status.py
    says what it means)."""

    provider_call_id: str  # the provider's id for the call (its browser leg's)
    status: str  # the provider's own word, e.g. "in-progress"
    duration: int | None = None  # the provider's own count of billed seconds, when it gives one
    leg: Leg = Leg.PHONE
    call_id: uuid.UUID | None = None  # our id, from the callback URL; None for calls placed before it was there


class StatusCallbacks(Protocol):
    def verify(self, url: str, params: Mapping[str, str], signature: str | None) -> bool:
        """Whether the provider signed exactly this request (its public URL and parameters)."""

    def parse(self, params: Mapping[str, str], query: Mapping[str, str]) -> ProviderCallEvent | None:
        """The report (POST parameters, and the callback URL's query, which names our call), or None when it
        names no call or no status; raises ValidationError on bad values."""
