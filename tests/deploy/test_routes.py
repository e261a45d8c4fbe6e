"""One set of routes: template.yaml, the local gateway of `make run`, and openapi.yaml agree method by method."""

import yaml

from infra.gateway import routes_table
from infra.template import ROOT, api_routes, function_dir, functions

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def openapi_routes() -> set[tuple[str, str]]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    return {(m.upper(), path) for path, item in spec["paths"].items() for m in item if m in HTTP_METHODS}


def local_routes() -> dict[tuple[str, str], str]:
    return {(e.method, e.path): e.function for e in routes_table()}


def test_template_local_app_and_openapi_have_the_same_routes():
    assert set(api_routes()) == set(local_routes()) == openapi_routes()


def test_each_route_is_served_by_the_same_function_everywhere():
    by_folder = {name: function_dir(props) for name, props in functions().items()}
    assert {route: by_folder[name] for route, name in api_routes().items()} == local_routes()


def test_one_function_per_endpoint():
    owners = list(api_routes().values())
    assert len(owners) == len(set(owners))
