"""What every repository shares: the errors a statement reports by SQLSTATE, and the user check that rides on
a signed-in request's own statement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calls_platform.domain.errors import UnknownUser

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"

# The one spelling of "this user exists": a token whose user is gone is found out by a statement the request
# runs anyway, never by a statement of its own.
USER_EXISTS = "EXISTS (SELECT 1 FROM users WHERE user_id = :{param})"


def with_user_check(sql: str, user_param: str) -> str:
    """A query's rows, each led by `signed_in` (whether the user `user_param` exists), and one row of NULLs
    when it has none, so that even an empty answer carries the check."""
    return f"""
    SELECT {USER_EXISTS.format(param=user_param)} AS signed_in, found.*
    FROM (SELECT 1) AS one LEFT JOIN ({sql}) AS found ON true
    """


def checked(records: list[dict[str, Any]], key: str) -> list[Mapping[str, Any]]:
    """The rows of a statement wrapped by with_user_check (those whose `key` column is set); UnknownUser if
    the check failed."""
    if not records or not records[0]["signed_in"]:
        raise UnknownUser()
    return [record for record in records if record[key] is not None]
