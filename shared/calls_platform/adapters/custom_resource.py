"""CloudFormation's custom-resource protocol: do the work on Create and Update, then PUT the outcome to the
pre-signed ResponseURL. CloudFormation waits for that answer; a FAILED one fails (and rolls back) the deploy."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

RESPONSE_TIMEOUT_S = 10
MAX_REASON_CHARS = 1000  # CloudFormation truncates the reason; keep the start, where the cause is


def is_request(event: object) -> bool:
    """Whether `event` comes from CloudFormation (a direct invoke sends anything else, e.g. `{}`)."""
    return isinstance(event, Mapping) and "RequestType" in event


def handle(
    event: Mapping[str, Any], work: Callable[[], Mapping[str, str]], physical_id: str, what: str
) -> dict[str, Any]:
    """Run `work` on Create and Update (a Delete has nothing to undo) and report to CloudFormation.

    `work` returns the resource's attributes (`!GetAtt Resource.Name`); `what` names it in the reason.
    """
    status, reason, data = "SUCCESS", "", {}
    try:
        if event["RequestType"] in ("Create", "Update"):
            data = dict(work())
    except Exception as error:
        log.exception("%s failed", what)
        status, reason = "FAILED", f"{what} failed: {error}"[:MAX_REASON_CHARS]
    body = {
        "Status": status,
        "Reason": reason or "see the function's logs",
        "PhysicalResourceId": physical_id,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": data,
    }
    send(event["ResponseURL"], body)
    return body


def send(url: str, body: Mapping[str, Any]) -> None:
    """PUT the response; the URL is pre-signed for an empty Content-Type, so none is sent."""
    raw = json.dumps(body).encode()
    request = urllib.request.Request(url, data=raw, method="PUT", headers={"Content-Type": ""})
    with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_S):
        pass
