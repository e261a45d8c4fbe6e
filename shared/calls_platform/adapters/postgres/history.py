"""A user's call history in Postgres: one statement a page, each call with its contact's name.

Keyset pagination on (start_time, call_id), newest first: served by calls_user_history_idx (or
calls_user_status_history_idx with a status), no sort and no OFFSET at any depth. Each row's name is one
lookup in contacts_user_phone_key; a search (`q`) filters the same index scan, so it reads at most one user's
calls and never sorts (tests/integration/test_history_at_scale.py).
"""

from __future__ import annotations

from typing import Any

from calls_platform.adapters.postgres.rows import SIGNED_IN, caller_params
from calls_platform.domain.calls import CallStatus, HistoryPosition
from calls_platform.domain.history import HistorySearch
from calls_platform.domain.users import Caller

# The name of each call's number among its user's contacts.
_CONTACT_NAME = (
    "(SELECT k.name FROM contacts k WHERE k.user_id = c.user_id AND k.phone_number = c.phone_number) AS contact_name"
)


def _like(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own wildcards taken literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def history_statement(
    columns: str,
    caller: Caller,
    limit: int,
    before: HistoryPosition | None,
    status: CallStatus | None,
    search: HistorySearch | None,
) -> tuple[str, dict[str, Any]]:
    """The statement and its parameters; `columns` are the call's, each prefixed with `c.`."""
    conditions = ["c.user_id = u.user_id"]
    params: dict[str, Any] = {**caller_params(caller), "limit": limit}
    if before is not None:
        conditions.append("(c.start_time, c.call_id) < (:before_time, :before_id)")
        params.update(before_time=before.start_time, before_id=before.call_id)
    if status is not None:
        conditions.append("c.status = :status")
        params["status"] = status.value
    if search is not None:
        # A correlated scalar subquery, not EXISTS: Postgres keeps it a per-row filter of the keyset index scan
        # (a semi-join would let it fetch every match and sort them).
        by_name = (
            "(SELECT k.name_key FROM contacts k WHERE k.user_id = c.user_id AND k.phone_number = c.phone_number)"
            " LIKE :name_like ESCAPE '\\'"
        )
        params["name_like"] = _like(search.name_key)
        if search.digits:
            conditions.append(f"(c.phone_number LIKE :digits_like OR {by_name})")
            params["digits_like"] = _like(search.digits)
        else:
            conditions.append(by_name)
    # Led by the user's row, if the caller is signed in: no row at all means it is not (user gone, or logged out).
    sql = (
        f"SELECT page.* FROM users u LEFT JOIN LATERAL ("
        f" SELECT {columns}, {_CONTACT_NAME} FROM calls c WHERE {' AND '.join(conditions)}"
        " ORDER BY c.start_time DESC, c.call_id DESC LIMIT :limit) page ON true"
        f" WHERE u.user_id = :user_id AND {SIGNED_IN}"
    )
    return sql, params
