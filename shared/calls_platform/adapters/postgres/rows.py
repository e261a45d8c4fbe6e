"""What every repository shares: the errors a statement reports by SQLSTATE, and the check of the caller that
rides on a signed-in request's own statement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calls_platform.domain.errors import UnknownUser
from calls_platform.domain.users import Caller

UNIQUE_VIOLATION = "23505"

# The one spelling of "the caller is still signed in": its user exists and its token family was not revoked
# (logout, reuse). Every statement a signed-in request runs carries it, with the caller's id and family bound
# as :user_id and :family: a token whose user is gone, or that was logged out, is found out by a statement
# the request runs anyway, never by one of its own.
SIGNED_IN = """(EXISTS (SELECT 1 FROM users WHERE user_id = :user_id)
    AND NOT EXISTS (SELECT 1 FROM revoked_token_families WHERE family_id = :family))"""


def caller_params(caller: Caller) -> dict[str, Any]:
    """The parameters SIGNED_IN reads."""
    return {"user_id": caller.user_id, "family": caller.family}


def with_caller_check(sql: str) -> str:
    """A query's rows, each led by `signed_in` (SIGNED_IN), and one row of NULLs when it has none, so that
    even an empty answer carries the check."""
    return f"""
    SELECT {SIGNED_IN} AS signed_in, found.*
    FROM (SELECT 1) AS one LEFT JOIN ({sql}) AS found ON true
    """


def checked(records: list[dict[str, Any]], key: str) -> list[Mapping[str, Any]]:
    """The rows of a statement wrapped by with_caller_check (those whose `key` column is set); UnknownUser if
    the check failed."""
    if not records or not records[0]["signed_in"]:
        raise UnknownUser()
    return [record for record in records if record[key] is not None]
