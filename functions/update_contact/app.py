"""PATCH /api/contacts/{contact_id}: change a contact's name, number or both."""

from typing import Any

from calls_platform import bootstrap
from calls_platform.use_cases import contacts
from calls_platform.web.api import ApiRequest, Route, endpoint_app
from calls_platform.web.presenters import contact_json


def update_contact(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    contact = contacts.update_contact(
        bootstrap.container().contact_deps, request.caller, request.path["contact_id"], request.body
    )
    return 200, contact_json(contact)


ROUTES = (Route("PATCH", "/api/contacts/{contact_id}", update_contact, body="json"),)
app = endpoint_app("update_contact", ROUTES)
