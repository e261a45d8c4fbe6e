"""Contacts and live calls through their own Chalice apps: each answers its route, bad input is a clear 4xx."""

import uuid

import pytest

from tests.conftest import assert_error

NUMBER, OTHER = "+491512345678", "+4915123456789"


def create(endpoint, token, name="Anna", number=NUMBER, **extra):
    body = {"name": name, "phone_number": number, **extra}
    return endpoint("create_contact").call("POST", "/api/contacts", body, token=token)


def listed(endpoint, token):
    response = endpoint("list_contacts").call("GET", "/api/contacts", token=token)
    assert response.status_code == 200, response.body
    return response.json["contacts"]


def test_a_contact_is_created_listed_changed_and_deleted(endpoint, user):
    created = create(endpoint, user["token"], "  Anna  ")
    assert created.status_code == 201, created.body
    contact = created.json
    assert set(contact) == {"contact_id", "name", "phone_number", "created_at", "updated_at"}
    assert (contact["name"], contact["phone_number"]) == ("Anna", NUMBER)
    assert listed(endpoint, user["token"]) == [contact]
    path = f"/api/contacts/{contact['contact_id']}"
    changed = endpoint("update_contact").call("PATCH", path, {"phone_number": OTHER}, token=user["token"])
    assert changed.status_code == 200 and (changed.json["name"], changed.json["phone_number"]) == ("Anna", OTHER)
    deleted = endpoint("delete_contact").call("DELETE", path, token=user["token"])
    assert deleted.status_code == 200 and deleted.json == {"contact_id": contact["contact_id"], "status": "deleted"}
    assert listed(endpoint, user["token"]) == []
    assert_error(endpoint("delete_contact").call("DELETE", path, token=user["token"]), 404, "contact_not_found")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"phone_number": NUMBER}, "name is required"),
        ({"name": "Anna"}, "phone_number is required"),
        ({"name": "", "phone_number": NUMBER}, "name must not be empty"),
        ({"name": "A" * 101, "phone_number": NUMBER}, "at most 100"),
        ({"name": "Anna\u0000", "phone_number": NUMBER}, "without NUL"),  # refused at the edge (web/bodies.py)
        ({"name": "Anna\ud800", "phone_number": NUMBER}, "valid UTF-8 text"),
        ({"name": "Anna\u0007", "phone_number": NUMBER}, "control characters"),
        ({"name": ["Anna"], "phone_number": NUMBER}, "name must be a string"),
        ({"name": "Anna", "phone_number": "0151 2345678"}, "E.164"),
        ({"name": "Anna", "phone_number": 491512345678}, "must be a string"),
    ],
)
def test_bad_input_is_400_with_a_clear_message_and_nothing_stored(endpoint, user, body, message):
    response = endpoint("create_contact").call("POST", "/api/contacts", body, token=user["token"])
    assert_error(response, 400, "validation_error", message)
    assert listed(endpoint, user["token"]) == []


def test_a_lone_surrogate_spelled_in_json_is_400_not_500(endpoint, user):
    raw = '{"name": "\\ud83d", "phone_number": "+491512345678"}'
    response = endpoint("create_contact").call("POST", "/api/contacts", token=user["token"], raw=raw)
    assert_error(response, 400, "validation_error", "valid UTF-8 text")


def test_one_contact_per_number_is_409_naming_the_contact(endpoint, user):
    first = create(endpoint, user["token"]).json
    assert_error(create(endpoint, user["token"], "Anna again"), 409, "contact_already_exists", first["contact_id"])
    other = create(endpoint, user["token"], "Bea", OTHER).json
    moved = endpoint("update_contact").call(
        "PATCH", f"/api/contacts/{other['contact_id']}", {"phone_number": NUMBER}, token=user["token"]
    )
    assert_error(moved, 409, "contact_already_exists")


def test_the_cap_is_409(endpoint, user, monkeypatch):
    from calls_platform import bootstrap

    monkeypatch.setenv("MAX_CONTACTS_PER_USER", "1")
    bootstrap.reset()
    create(endpoint, user["token"])
    assert_error(create(endpoint, user["token"], "Bea", OTHER), 409, "too_many_contacts")


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "nothing to change"), ({"name": "x", "phone": OTHER}, "unknown field 'phone'"), ({"name": 7}, "string")],
)
def test_bad_changes_are_400(endpoint, user, body, message):
    contact = create(endpoint, user["token"]).json
    path = f"/api/contacts/{contact['contact_id']}"
    assert_error(
        endpoint("update_contact").call("PATCH", path, body, token=user["token"]), 400, "validation_error", message
    )
    assert listed(endpoint, user["token"]) == [contact]


def test_someone_elses_or_a_malformed_contact(endpoint, user):
    from tests.conftest import unique_email

    contact = create(endpoint, user["token"]).json
    email = unique_email()
    endpoint("register").call("POST", "/api/auth/register", {"email": email, "password": "password123"})
    other = endpoint("login").call("POST", "/api/auth/login", {"email": email, "password": "password123"}).json
    path = f"/api/contacts/{contact['contact_id']}"
    patched = endpoint("update_contact").call("PATCH", path, {"name": "Mine"}, token=other["access_token"])
    assert_error(patched, 404, "contact_not_found")
    assert_error(endpoint("delete_contact").call("DELETE", path, token=other["access_token"]), 404, "contact_not_found")
    assert listed(endpoint, other["access_token"]) == []
    bad = endpoint("delete_contact").call("DELETE", "/api/contacts/not-a-uuid", token=user["token"])
    assert_error(bad, 400, "validation_error", "contact_id must be a UUID")
    unknown = endpoint("update_contact").call(
        "PATCH", f"/api/contacts/{uuid.uuid4()}", {"name": "x"}, token=user["token"]
    )
    assert_error(unknown, 404, "contact_not_found")


@pytest.mark.parametrize(
    ("function", "method", "path"),
    [
        ("create_contact", "POST", "/api/contacts"),
        ("list_contacts", "GET", "/api/contacts"),
        ("update_contact", "PATCH", f"/api/contacts/{uuid.uuid4()}"),
        ("delete_contact", "DELETE", f"/api/contacts/{uuid.uuid4()}"),
        ("live_calls", "GET", "/api/calls/live"),
    ],
)
def test_every_new_route_needs_a_token(endpoint, db, function, method, path):
    response = endpoint(function).call(method, path, {"name": "x"} if method in ("POST", "PATCH") else None)
    assert_error(response, 401, "unauthorized")


def test_history_shows_names_and_finds_them(endpoint, user):
    for number in (NUMBER, OTHER):
        endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": number}, token=user["token"])
    create(endpoint, user["token"], "Anna Schmidt", NUMBER)

    def history(query=""):
        response = endpoint("call_history").call("GET", f"/api/calls/history{query}", token=user["token"])
        assert response.status_code == 200, response.body
        return [(c["phone_number"], c["contact_name"]) for c in response.json["calls"]]

    assert history() == [(OTHER, None), (NUMBER, "Anna Schmidt")]
    assert history("?q=SCHMIDT") == [(NUMBER, "Anna Schmidt")]
    assert history("?q=%2B49%20151%202345678") == [(OTHER, None), (NUMBER, "Anna Schmidt")]
    assert history("?q=3456789") == [(OTHER, None)]
    assert history("?q=nobody") == []
    too_long = endpoint("call_history").call("GET", "/api/calls/history?q=" + "x" * 101, token=user["token"])
    assert_error(too_long, 400, "validation_error", "q must be at most 100")


def test_live_calls_are_what_a_reloaded_page_shows(endpoint, user):
    def live():
        response = endpoint("live_calls").call("GET", "/api/calls/live", token=user["token"])
        assert response.status_code == 200, response.body
        return response.json["calls"]

    assert live() == []
    call = endpoint("initiate_call").call("POST", "/api/calls/initiate", {"phone_number": NUMBER}, token=user["token"])
    [shown] = live()
    assert (
        shown["call_id"] == call.json["call_id"] and shown["status"] in ("connecting", "ringing") and shown["sdp_offer"]
    )
    endpoint("terminate_call").call("POST", "/api/calls/terminate", {"call_id": shown["call_id"]}, token=user["token"])
    assert live() == []
