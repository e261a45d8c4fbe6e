"""POST /api/contacts: save a name for a number (one contact per number)."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import contacts
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import contact_json


def create_contact(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    contact = contacts.add_contact(
        bootstrap.container().contact_deps, request.caller, request.field("name"), request.field("phone_number")
    )
    return 201, contact_json(contact)


ROUTES = (Route("POST", "/api/contacts", create_contact, body="json"),)
app = endpoint_app("create_contact", ROUTES)
