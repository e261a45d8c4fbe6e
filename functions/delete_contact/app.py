"""DELETE /api/contacts/{contact_id}: forget a contact (its calls stay in history, without the name)."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import contacts
from calls_platform.web.api import ApiRequest, Route, endpoint_app


def delete_contact(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    contact_id = request.path["contact_id"]
    contacts.delete_contact(bootstrap.container().contact_deps, request.caller, contact_id)
    return 200, {"contact_id": contact_id, "status": "deleted"}


ROUTES = (Route("DELETE", "/api/contacts/{contact_id}", delete_contact),)
app = endpoint_app("delete_contact", ROUTES)
