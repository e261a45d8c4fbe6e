"""Scheduled (every minute): ends calls whose page stopped polling (their heartbeat) and closes calls nobody
reported on, so none stays live forever."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases.call_endings import sweep_stale_calls


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    container = bootstrap.container()
    try:
        closed = sweep_stale_calls(container.call_deps)
    finally:
        container.end_of_invocation()
    return {"closed": [str(call.call_id) for call in closed]}
