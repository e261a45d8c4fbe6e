"""GET /api/contacts: the caller's contacts, by name."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import contacts
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import contacts_json


def list_contacts(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    return 200, contacts_json(contacts.list_contacts(bootstrap.container().contact_deps, request.caller))


ROUTES = (Route("GET", "/api/contacts", list_contacts),)
app = endpoint_app("list_contacts", ROUTES)
