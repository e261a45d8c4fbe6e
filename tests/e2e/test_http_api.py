"""The whole API over HTTP through the local gateway: routing, errors for unknown routes and methods."""

import requests

NUMBER = "+491512345678"


def test_walkthrough_over_http(base_url):
    creds = {"email": "walk@example.com", "password": "password123"}
    assert requests.post(f"{base_url}/api/auth/register", json=creds, timeout=10).status_code == 201
    token = requests.post(f"{base_url}/api/auth/login", json=creds, timeout=10).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    call = requests.post(f"{base_url}/api/calls/initiate", json={"phone_number": NUMBER}, headers=auth, timeout=10)
    assert call.status_code == 201 and call.json()["status"] == "connecting"
    ended = requests.post(
        f"{base_url}/api/calls/terminate", json={"call_id": call.json()["call_id"]}, headers=auth, timeout=10
    )
    assert ended.json()["status"] == "completed"
    history = requests.get(f"{base_url}/api/calls/history", headers=auth, timeout=10).json()["calls"]
    assert [c["call_id"] for c in history] == [call.json()["call_id"]]


def test_unknown_routes_and_wrong_methods_have_the_error_shape(base_url):
    missing = requests.get(f"{base_url}/api/nothing-here", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = requests.delete(f"{base_url}/api/calls/history", timeout=10)
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
    assert wrong.headers["Allow"] == "GET"
    other = requests.get(f"{base_url}/nothing.html", timeout=10)
    assert other.status_code == 404 and set(other.json()) == {"error", "message"}
    escape = requests.get(f"{base_url}/..%2F..%2Fetc%2Fpasswd", timeout=10)
    assert escape.status_code == 404


def test_the_softphone_page_is_served_at_the_root(base_url):
    page = requests.get(f"{base_url}/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert requests.get(f"{base_url}/app.js", timeout=10).headers["Content-Type"] == "text/javascript"


def test_query_strings_do_not_change_routing(base_url):
    assert requests.get(f"{base_url}/api/health?verbose=1", timeout=10).json() == {"status": "ok"}


def test_the_page_learns_its_api_from_config_json(base_url):
    config = requests.get(f"{base_url}/config.json", timeout=10)
    assert config.status_code == 200 and config.headers["Content-Type"] == "application/json"
    # realMedia: the stack's media peer answers mock calls (docs/mock-media.md)
    assert config.json() == {"apiBaseUrl": "", "voipProvider": "mock", "realMedia": True}


def test_contacts_and_the_live_call_over_http(base_url):
    """PATCH and DELETE of one path reach their own functions; /api/calls/live is not taken for a call id."""
    creds = {"email": "contacts@example.com", "password": "password123"}
    requests.post(f"{base_url}/api/auth/register", json=creds, timeout=10)
    token = requests.post(f"{base_url}/api/auth/login", json=creds, timeout=10).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    call = requests.post(f"{base_url}/api/calls/initiate", json={"phone_number": NUMBER}, headers=auth, timeout=10)
    live = requests.get(f"{base_url}/api/calls/live", headers=auth, timeout=10)
    assert live.status_code == 200 and [c["call_id"] for c in live.json()["calls"]] == [call.json()["call_id"]]
    body = {"name": "Мама", "phone_number": NUMBER}
    created = requests.post(f"{base_url}/api/contacts", json=body, headers=auth, timeout=10)
    assert created.status_code == 201, created.text
    path = f"{base_url}/api/contacts/{created.json()['contact_id']}"
    renamed = requests.patch(path, json={"name": "Mum"}, headers=auth, timeout=10)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Mum"
    history = requests.get(f"{base_url}/api/calls/history", params={"q": "mum"}, headers=auth, timeout=10).json()
    assert [c["contact_name"] for c in history["calls"]] == ["Mum"]
    wrong = requests.put(path, json={"name": "x"}, headers=auth, timeout=10)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "DELETE, PATCH"
    assert requests.delete(path, headers=auth, timeout=10).json()["status"] == "deleted"
    assert requests.get(f"{base_url}/api/contacts", headers=auth, timeout=10).json() == {"contacts": []}
