"""The interfaces the use cases need, one import away (for annotations: code that runs imports the port module
it needs, so a function loads no other's): those of calls (call_ports.py), of sign-in (auth_ports.py), of
limits (limit_ports.py), and here the ones all share (clock, metrics, the database's health). Adapters
implement them; tests use in-memory fakes."""

from __future__ import annotations

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
    ReportedCall,
    SessionStore,
    Transition,
    VoiceToken,
    VoiceTokens,
    VoipProvider,
)
from calls_platform.use_cases.limit_ports import Limit, RateDecision, RateLimiter
from calls_platform.use_cases.provider_ports import ProviderCallEvent, StatusCallbacks

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


class Clock(Protocol):
    def now(self) -> datetime: ...


class DatabasePing(Protocol):
    def ping(self) -> None:
        """Raises ServiceUnavailable when the database does not answer."""


class Metrics(Protocol):
    def count(self, name: str, value: int = 1) -> None: ...

    def seconds(self, name: str, value: float) -> None: ...
