"""Creates what the functions expect to find in AWS: the app and database secrets, the tables, the verified
email sender."""

from __future__ import annotations

import json
from typing import Any

import boto3


def put_secret(client: Any, name: str, value: dict[str, Any]) -> None:
    body = json.dumps(value)
    try:
        client.create_secret(Name=name, SecretString=body)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=name, SecretString=body)


def seed(
    app_secret_id: str,
    app_secret: dict[str, Any],
    db_secret_id: str,
    db_secret: dict[str, Any],
    sessions_table: str,
    idempotency_table: str,
    rate_limit_table: str,
    email_sender: str,
) -> None:
    session = boto3.session.Session()
    secrets = session.client("secretsmanager")
    put_secret(secrets, app_secret_id, app_secret)
    put_secret(secrets, db_secret_id, db_secret)
    dynamodb = session.client("dynamodb")
    # (table, hash key, TTL attribute): as template.yaml declares them for AWS
    for table, key, ttl in (
        (sessions_table, "session_id", "expires_at"),
        (idempotency_table, "id", "expiration"),
        (rate_limit_table, "key", "expires_at"),
    ):
        create_table(dynamodb, table, key, ttl)
    verify_sender(session.client("sesv2"), email_sender)


def verify_sender(client: Any, sender: str) -> None:
    """SES sends only from a verified identity (moto checks it as SES does); in AWS the deployer verifies it."""
    try:
        client.create_email_identity(EmailIdentity=sender)
    except client.exceptions.AlreadyExistsException:
        return


def create_table(client: Any, table: str, key: str, ttl_attribute: str) -> None:
    """An on-demand table with a string hash key and TTL, unless it exists."""
    try:
        client.create_table(
            TableName=table,
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    except client.exceptions.ResourceInUseException:
        return
    client.get_waiter("table_exists").wait(TableName=table)
    client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute}
    )
