"""What the mock callee does, applied to the call as a provider's status callback is: the provider-events use
case, on the call's phone leg, under the mock provider's id for the call (`mock-<call id hex>`)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import uuid
from collections.abc import Awaitable, Callable

log = logging.getLogger("media")


def report_to_calls() -> Callable[[str, str], Awaitable[None]]:
    from calls_platform import bootstrap
    from calls_platform.domain.provider_status import Leg
    from calls_platform.use_cases.ports import ProviderCallEvent
    from calls_platform.use_cases.provider_events import record_provider_event

    worker = concurrent.futures.ThreadPoolExecutor(1, "report")  # one database connection, one at a time

    def apply(call_id: str, word: str) -> None:
        cid = uuid.UUID(call_id)
        event = ProviderCallEvent(f"mock-{cid.hex}", word, None, Leg.PHONE, cid)
        try:
            record_provider_event(bootstrap.container().call_deps, event)
        except Exception:  # a report that cannot be applied must not stop the media; the sweep ends the call
            log.exception("could not apply the mock callee's report %s", word)

    async def report(call_id: str, word: str) -> None:
        await asyncio.get_running_loop().run_in_executor(worker, apply, call_id, word)

    return report
