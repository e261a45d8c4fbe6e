"""`make invoke FN=<function> EVENT=events/<file>.json`: one function's handler, in-process, against the
stack that `make run` started, printing the response the way Lambda returns it (no Docker needed)."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

from infra.gateway import lambda_context
from infra.settings import LOCAL_DIR


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make invoke FN=<function folder> EVENT=events/<file>.json", file=sys.stderr)
        return 2
    function, event_file = argv
    state = LOCAL_DIR / "stack.json"
    if not state.is_file():
        print("no local stack: start `make run` first (it writes .local/stack.json)", file=sys.stderr)
        return 2
    os.environ.update(json.loads(state.read_text()))
    module = importlib.import_module(f"functions.{function}.app")
    event = json.loads(Path(event_file).read_text())
    entry = getattr(module, "app", None) or module.handler
    print(json.dumps(entry(event, lambda_context(function)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
