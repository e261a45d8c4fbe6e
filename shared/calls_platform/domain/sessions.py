"""Live call sessions: what a running call needs while it lasts, kept apart from the history."""

import dataclasses
import uuid
from datetime import datetime, timedelta
from typing import Self


@dataclasses.dataclass(frozen=True)
class LiveSession:
    session_id: str
    call_id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    # The provider's id for the call: kept here, not in Postgres, so initiate writes the call only once; hang-ups
    # read it back when no status callback has stored it on the call yet.
    provider_call_id: str | None = None
    # When a page showing the call last polled it (its heartbeat); None until the first poll. A call whose page
    # falls silent longer than the grace is ended by the sweep, billed to this moment (use_cases/live.py).
    last_seen: datetime | None = None

    @classmethod
    def for_call(
        cls,
        session_id: str,
        call_id: uuid.UUID,
        user_id: uuid.UUID,
        now: datetime,
        ttl: timedelta,
        provider_call_id: str | None = None,
    ) -> Self:
        return cls(session_id, call_id, user_id, now, now + ttl, provider_call_id)
