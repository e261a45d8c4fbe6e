"""Is the service able to serve?"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calls_platform.use_cases.ports import DatabasePing


def check_health(database: DatabasePing) -> dict[str, str]:
    database.ping()  # raises ServiceUnavailable
    return {"status": "ok"}
