"""The local gateway's route table: every function's routes, matched as API Gateway matches resources."""

from __future__ import annotations

import importlib
import re
from typing import Any

from infra.settings import ROOT

FUNCTIONS_DIR = ROOT / "functions"


class Endpoint:
    def __init__(self, function: str, method: str, path: str, app: Any) -> None:
        self.function = function
        self.method = method
        self.path = path
        self.app = app
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
        self.regex = re.compile(pattern + r"\Z")


def endpoint_functions() -> dict[str, Any]:
    """function name -> its `app` module, for every function that serves HTTP routes."""
    modules = {}
    for folder in sorted(p for p in FUNCTIONS_DIR.iterdir() if (p / "app.py").is_file()):
        module = importlib.import_module(f"functions.{folder.name}.app")
        if hasattr(module, "ROUTES"):
            modules[folder.name] = module
    return modules


def routes_table() -> list[Endpoint]:
    endpoints = [
        Endpoint(name, route.method, route.path, module.app)
        for name, module in endpoint_functions().items()
        for route in module.ROUTES
    ]
    # As in API Gateway, a literal path wins over a template: /api/calls/history is not /api/calls/{call_id}.
    return sorted(endpoints, key=lambda e: (e.path.count("{"), e.path))
