"""The real clock (use cases take a `Clock` port, so tests can stop time)."""

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
