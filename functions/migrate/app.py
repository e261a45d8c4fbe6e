"""The one-off migration function: applies `migrations/NNN_name.sql` in order, each exactly once.

Invoked by the deploy (a CloudFormation custom resource: a failed migration fails the deploy), by hand
(`sam remote invoke MigrateFunction`, `make invoke FN=migrate`), and by `make run` at start.
"""

import json
import logging
import os
import urllib.request
from pathlib import Path

from calls_platform import bootstrap
from calls_platform.adapters.migrations import apply_migrations, discover
from calls_platform.adapters.postgres import open_connection

log = logging.getLogger(__name__)


def migrations_dir() -> Path:
    """Found wherever the function runs: beside this file when deployed, the repository's otherwise."""
    if os.environ.get("MIGRATIONS_DIR"):
        return Path(os.environ["MIGRATIONS_DIR"])
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parents[1] / "migrations"):
        if candidate.is_dir():
            return candidate
    return here / "migrations"


def migrate() -> dict:
    migrations = discover(migrations_dir())
    conn = open_connection(bootstrap.container().db_settings())
    try:
        applied = apply_migrations(conn, migrations)
    finally:
        conn.close()
    return {"applied": applied, "total": len(migrations)}


def handler(event: dict, context: object) -> dict:
    if "RequestType" not in (event or {}):
        return migrate()
    return _custom_resource(event)


def _custom_resource(event: dict) -> dict:
    """CloudFormation: migrate on Create and Update; a failure is reported and fails the deploy."""
    status, reason, data = "SUCCESS", "", {}
    try:
        if event["RequestType"] in ("Create", "Update"):
            data = migrate()
    except Exception as error:
        log.exception("migrations failed")
        status, reason = "FAILED", f"migrations failed: {error}"[:1000]
    body = {
        "Status": status,
        "Reason": reason or "see the function's logs",
        "PhysicalResourceId": "calls-platform-migrations",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Applied": ",".join(data.get("applied", []))},
    }
    _respond(event["ResponseURL"], body)
    return body


def _respond(url: str, body: dict) -> None:
    raw = json.dumps(body).encode()
    request = urllib.request.Request(url, data=raw, method="PUT", headers={"Content-Type": ""})
    with urllib.request.urlopen(request, timeout=10):
        pass
