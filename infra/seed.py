"""Creates what the functions expect to find in AWS: the app and database secrets, the tables, the verified
email sender."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

import boto3


def put_secret(client: Any, name: str, value: dict[str, Any]) -> None:
    body = json.dumps(value)
    try:
        client.create_secret(Name=name, SecretString=body)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=name, SecretString=body)


@dataclasses.dataclass(frozen=True)
class Tables:
    sessions: str
    idempotency: str
    rate_limit: str


def seed(secrets_by_id: Mapping[str, dict[str, Any]], tables: Tables, email_sender: str) -> None:
    """Each secret under its id, the DynamoDB tables, and the emails' sender verified in SES."""
    session = boto3.session.Session()
    secrets = session.client("secretsmanager")
    for secret_id, secret in secrets_by_id.items():
        put_secret(secrets, secret_id, secret)
    dynamodb = session.client("dynamodb")
    # (table, hash key, TTL attribute): as template.yaml declares them for AWS
    for table, key, ttl in (
        (tables.sessions, "session_id", "expires_at"),
        (tables.idempotency, "id", "expiration"),
        (tables.rate_limit, "key", "expires_at"),
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
