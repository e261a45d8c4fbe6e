"""The interfaces the use cases need, one import away: those of calls (call_ports.py) and of sign-in
(auth_ports.py), and here the ones both share (limits, clock, metrics, the database's health). Adapters
implement them; tests use in-memory fakes."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Protocol

from calls_platform.use_cases.auth_ports import (
    IssuedToken,
    PasswordHasher,
    RefreshClaims,
    RefreshTokenStore,
    RefreshUse,
    TokenService,
    UserRepository,
)
from calls_platform.use_cases.call_ports import (
    CallRepository,
    ContactRepository,
    ProviderCallEvent,
    ReportedCall,
    SessionStore,
    StatusCallbacks,
    Transition,
    VoiceToken,
    VoiceTokens,
    VoipProvider,
)

__all__ = [
    "CallRepository",
    "Clock",
    "ContactRepository",
    "DatabasePing",
    "IssuedToken",
    "Limit",
    "Metrics",
    "PasswordHasher",
    "ProviderCallEvent",
    "RateDecision",
    "RateLimiter",
    "RefreshClaims",
    "RefreshTokenStore",
    "RefreshUse",
    "ReportedCall",
    "SessionStore",
    "StatusCallbacks",
    "TokenService",
    "Transition",
    "UserRepository",
    "VoiceToken",
    "VoiceTokens",
    "VoipProvider",
]


@dataclasses.dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0  # seconds


@dataclasses.dataclass(frozen=True)
class Limit:
    key: str
    ceiling: int  # attempts allowed in one window
    window_s: int


class RateLimiter(Protocol):
    def reserve(self, limits: list[Limit]) -> RateDecision:
        """Count one attempt against every limit, atomically and only if each is under its ceiling; when any
        is not, count nothing and refuse. Parallel requests can never get past a ceiling together."""

    def release(self, limits: list[Limit], remember: tuple[str, int] | None = None) -> None:
        """Give back an attempt `reserve` counted (a login that succeeded was no failure); with `remember`
        (key, seconds), also note that key for that long, in the same write."""

    def remembered(self, key: str) -> bool:
        """Whether `release` noted `key` and it has not expired."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class DatabasePing(Protocol):
    def ping(self) -> None:
        """Raises ServiceUnavailable when the database does not answer."""


class Metrics(Protocol):
    def count(self, name: str, value: int = 1) -> None: ...

    def seconds(self, name: str, value: float) -> None: ...
