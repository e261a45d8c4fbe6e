"""Each function handles the API Gateway proxy event its template route produces; events/ holds samples."""

import importlib
import json

import pytest

from infra import events
from infra.gateway import lambda_context
from infra.template import ROOT, api_routes, function_dir, functions

FOLDERS = {name: function_dir(props) for name, props in functions().items()}
ROUTES = sorted((method, path, FOLDERS[name]) for (method, path), name in api_routes().items())


def test_events_folder_matches_the_template():
    expected = {f"{folder}.json" for *_, folder in ROUTES} | {"migrate.json", "sweep.json"}
    assert {p.name for p in (ROOT / "events").glob("*.json")} == expected
    for method, path, folder in ROUTES:
        committed = json.loads((ROOT / "events" / f"{folder}.json").read_text())
        assert committed == events.sample_event(folder, method, path), f"regenerate: python -m infra.events ({folder})"


@pytest.mark.parametrize(("method", "path", "folder"), ROUTES, ids=[r[2] for r in ROUTES])
def test_each_function_answers_its_template_event(db, method, path, folder):
    event = json.loads((ROOT / "events" / f"{folder}.json").read_text())
    assert event["requestContext"]["resourcePath"] == path and event["httpMethod"] == method
    app = importlib.import_module(f"functions.{folder}.app").app
    response = app(event, lambda_context(folder))
    body = json.loads(response["body"])
    assert response["statusCode"] < 500 and response["headers"]["Content-Type"] == "application/json"
    if response["statusCode"] >= 400:
        assert set(body) == {"error", "message"}
    expected = {  # samples carry no real token
        "health": 200,
        "register": 201,
        "twilio_status": 403,
        "password_reset": 202,  # whether or not the address has an account
        "verify_email": 400,  # the sample's token is a placeholder
        "password_reset_confirm": 400,
    }.get(folder, 401)
    if folder == "login":
        expected = 401  # no such user until register ran
    assert response["statusCode"] == expected, body
