"""EventBridge's part, locally: while `make run` serves, each function the template schedules runs on its rate.

The sweep (template: `rate(1 minute)`) is what ends a call whose page stopped polling and closes calls nobody
reported on; without it here, a local call would stay live forever. `LOCAL_SCHEDULE_SECONDS` runs every
scheduled function that often instead (e.g. 5, to watch a closed tab's call end by hand).
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from infra.template import function_dir, functions

log = logging.getLogger("schedules")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def scheduled() -> dict[str, int]:
    """Function folder -> seconds between runs, from the template's Schedule events."""
    found = {}
    for props in functions().values():
        for event in (props.get("Events") or {}).values():
            if event["Type"] == "Schedule":
                rate = _RATE.fullmatch(event["Properties"]["Schedule"])
                if rate is None:
                    raise ValueError(f"unsupported schedule: {event['Properties']['Schedule']}")
                found[function_dir(props)] = int(rate[1]) * _SECONDS[rate[2].rstrip("s")]
    return found


def _handler(folder: str) -> Callable[[dict[str, Any], object], Any]:
    handler: Callable[[dict[str, Any], object], Any] = importlib.import_module(f"functions.{folder}.app").handler
    return handler


class Schedules:
    """One thread per scheduled function, each running it every `seconds` until stopped."""

    def __init__(self, every: Mapping[str, float], run: Callable[[str], Any] | None = None) -> None:
        self._every = dict(every)
        self._run = run or (lambda folder: _handler(folder)({}, None))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @classmethod
    def from_template(cls, env: Mapping[str, str] = os.environ) -> Schedules:
        override = env.get("LOCAL_SCHEDULE_SECONDS", "")
        every: dict[str, float] = {folder: float(seconds) for folder, seconds in scheduled().items()}
        if override:
            every = dict.fromkeys(every, float(override))
        return cls(every)

    def start(self) -> Schedules:
        for folder, seconds in self._every.items():
            thread = threading.Thread(target=self._loop, args=(folder, seconds), name=f"schedule-{folder}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _loop(self, folder: str, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                self._run(folder)
            except Exception:  # a failed run is logged; the next one comes on time, as with EventBridge
                log.exception("scheduled function failed", extra={"function": folder})

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
