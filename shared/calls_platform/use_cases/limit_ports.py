"""The rate limiter every limit is counted with, and what it is asked (limits) and answers (a decision)."""

from __future__ import annotations

import dataclasses
from typing import Protocol


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
