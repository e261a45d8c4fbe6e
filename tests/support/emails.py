"""The emails the functions sent, read back from moto's SES (the tests' moto server runs in this process)."""

from __future__ import annotations

import re
from typing import Any

LINK = re.compile(r"/#(verify|reset)=([A-Za-z0-9_-]+)")
CODE = re.compile(r"\b(\d{8})\b")


def sent_to(address: str) -> list[Any]:
    """moto's messages to `address`, oldest first (each has .subject, .body, .source, .destinations)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    messages = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    return [m for m in messages if address in m.destinations.get("ToAddresses", [])]


def last(address: str) -> Any:
    found = sent_to(address)
    assert found, f"no email was sent to {address}"
    return found[-1]


def token_in(message: Any, kind: str) -> str:
    found = [token for k, token in LINK.findall(message.body) if k == kind]
    assert len(found) == 1, message.body
    return found[0]


def code_in(message: Any) -> str:
    found = CODE.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]
