"""GET /api/calls/export: the caller's whole call history as CSV (UTF-8, a header row, UTC times, E.164)."""

from calls_platform import bootstrap
from calls_platform.use_cases import accounts
from calls_platform.web.api import ApiRequest, Route, TextBody, endpoint_app
from calls_platform.web.csv_export import calls_csv


def export_calls(request: ApiRequest) -> tuple[int, TextBody]:
    rows = accounts.export_calls(bootstrap.container().accounts, request.caller)
    return 200, TextBody(calls_csv(rows), "text/csv; charset=utf-8", "calls.csv")


ROUTES = (Route("GET", "/api/calls/export", export_calls),)
app = endpoint_app("export_calls", ROUTES)
