"""Creates what the functions expect to find in AWS: the app and database secrets, the sessions table."""

from __future__ import annotations

import json
from typing import Any

import boto3

from calls_platform.adapters.idempotency import create_table as create_idempotency_table
from calls_platform.adapters.rate_limits import create_table as create_rate_limit_table
from calls_platform.adapters.sessions import create_table as create_sessions_table


def put_secret(client: Any, name: str, value: dict[str, Any]) -> None:
    body = json.dumps(value)
    try:
        client.create_secret(Name=name, SecretString=body)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=name, SecretString=body)


def seed(
    app_secret_id: str,
    app_secret: dict,
    db_secret_id: str,
    db_secret: dict,
    sessions_table: str,
    idempotency_table: str,
    rate_limit_table: str,
) -> None:
    session = boto3.session.Session()
    secrets = session.client("secretsmanager")
    put_secret(secrets, app_secret_id, app_secret)
    put_secret(secrets, db_secret_id, db_secret)
    dynamodb = session.client("dynamodb")
    create_sessions_table(dynamodb, sessions_table)
    create_idempotency_table(dynamodb, idempotency_table)
    create_rate_limit_table(dynamodb, rate_limit_table)
