"""What every call use case is given: the call's stores, its provider, its clock, limits and metrics."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING

from calls_platform.domain.calls import CallLimits

if TYPE_CHECKING:  # named in annotations only: a function loads the ports' modules only if its adapters do
    from calls_platform.use_cases.account_ports import VerifiedEmails
    from calls_platform.use_cases.call_ports import CallRepository, SessionStore, VoiceTokens, VoipProvider
    from calls_platform.use_cases.limit_ports import RateLimiter
    from calls_platform.use_cases.ports import Clock, Metrics


@dataclasses.dataclass(frozen=True)
class CallDeps:
    calls: CallRepository
    sessions: SessionStore
    voip: VoipProvider
    voice_tokens: VoiceTokens
    clock: Clock
    session_ttl: timedelta
    metrics: Metrics
    limiter: RateLimiter
    limits: CallLimits = dataclasses.field(default_factory=CallLimits)
    heartbeat_grace: timedelta = timedelta(seconds=30)  # a live call's page silent longer than this: ended
    verified_emails: VerifiedEmails | None = None  # set where calls cost money (Twilio): they need a verified email
