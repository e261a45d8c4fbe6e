"""How many calls a user may start an hour: counted before a call is recorded or dialled."""

from __future__ import annotations

import logging

from calls_platform.domain.calls import CallLimits
from calls_platform.domain.errors import TooManyRequests
from calls_platform.domain.users import Caller
from calls_platform.use_cases.limit_ports import Limit, RateLimiter

log = logging.getLogger(__name__)
ATTEMPTS_WINDOW_S = 3600


def count_attempt(limiter: RateLimiter, limits: CallLimits, caller: Caller) -> None:
    """One attempt of the caller's hour, counted atomically (parallel initiates cannot all slip under the
    ceiling), placed or not: a script must not dial number after number, the robocaller pattern that gets the
    operator's caller ID flagged by carriers."""
    limit = Limit(f"calls:attempts:{caller.user_id}", limits.attempts_per_hour, ATTEMPTS_WINDOW_S)
    decision = limiter.reserve([limit])
    if not decision.allowed:
        log.warning("call attempts throttled", extra={"user_id": str(caller.user_id)})
        raise TooManyRequests("too many calls started this hour; try again later", decision.retry_after)
