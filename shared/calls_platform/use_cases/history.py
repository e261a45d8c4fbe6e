"""The caller's call history, a page at a time."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from calls_platform.domain import history

if TYPE_CHECKING:
    from calls_platform.domain.calls import Call
    from calls_platform.domain.users import Caller
    from calls_platform.use_cases.call_deps import CallDeps


@dataclasses.dataclass(frozen=True)
class HistoryPage:
    entries: list[history.HistoryEntry]
    next_cursor: str | None

    @property
    def calls(self) -> list[Call]:
        return [entry.call for entry in self.entries]


def call_history(
    deps: CallDeps,
    caller: Caller,
    limit: str | None = None,
    cursor: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> HistoryPage:
    """A page of the caller's history, each call with its contact's name; `q` finds a contact's name or digits
    of the number."""
    size = history.parse_limit(limit)
    # One row more than asked says whether another page follows, without a count query.
    rows = deps.calls.history(
        caller, size + 1, history.decode_cursor(cursor), history.parse_status(status), history.parse_search(q)
    )
    page = rows[:size]
    return HistoryPage(page, history.encode_cursor(page[-1].call) if len(rows) > size else None)
