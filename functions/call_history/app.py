"""GET /api/calls/history?limit=&cursor=&status=&q=: the caller's own calls, newest first, page by page; `q`
finds a contact's name or digits of the number."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import history
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import history_page_json


def call_history(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    query = request.query
    page = history.call_history(
        bootstrap.container().call_deps,
        request.caller,
        query.get("limit"),
        query.get("cursor"),
        query.get("status"),
        query.get("q"),
    )
    return 200, history_page_json(page)


ROUTES = (Route("GET", "/api/calls/history", call_history),)
app = endpoint_app("call_history", ROUTES)
