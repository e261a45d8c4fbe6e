"""A call history as CSV: UTF-8, one header row, times in ISO 8601 UTC, numbers in E.164."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from calls_platform.domain.calls import Call
from calls_platform.web.presenters import rfc3339

HEADER = ("call_id", "phone_number", "status", "start_time", "answer_time", "end_time", "duration", "end_reason")


def calls_csv(calls: Iterable[Call]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(HEADER)
    for call in calls:
        writer.writerow(
            (
                call.call_id,
                call.phone_number,  # stored only in E.164 (the schema's CHECK): never a formula to a spreadsheet
                call.status.value,
                rfc3339(call.start_time),
                rfc3339(call.answer_time) or "",
                rfc3339(call.end_time) or "",
                "" if call.duration is None else call.duration,
                call.end_reason.value if call.end_reason else "",
            )
        )
    return out.getvalue()
