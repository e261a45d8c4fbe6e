"""The one-off migration function: applies `migrations/NNN_name.sql` in order, each exactly once.

Invoked by the deploy (a CloudFormation custom resource: a failed migration fails the deploy), by hand
(`sam remote invoke MigrateFunction`, `make invoke FN=migrate`), and by `make run` at start.
"""

import logging
from pathlib import Path
from typing import Any

from calls_platform import bootstrap
from calls_platform.adapters import custom_resource
from calls_platform.adapters.migrations import migrate_database
from calls_platform.adapters.postgres.users import fill_missing_skeletons
from calls_platform.config import Environment

log = logging.getLogger(__name__)


def migrations_dir() -> Path:
    """Found wherever the function runs: beside this file when deployed, the repository's otherwise."""
    configured = Environment.from_env().migrations_dir  # read afresh: `make migrate` and tests point it elsewhere
    if configured:
        return Path(configured)
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parents[1] / "migrations"):
        if candidate.is_dir():
            return candidate
    return here / "migrations"


def migrate() -> dict[str, Any]:
    result = migrate_database(bootstrap.container().db_settings(), migrations_dir())
    filled = fill_missing_skeletons(bootstrap.container().database)  # accounts made before 012_email_skeleton
    if filled:
        log.info("email skeletons filled", extra={"accounts": filled})
    return result


def _for_cloudformation() -> dict[str, str]:
    return {"Applied": ",".join(migrate()["applied"])}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    if custom_resource.is_request(event):
        return custom_resource.handle(event, _for_cloudformation, "calls-platform-migrations", "migrations")
    return migrate()
