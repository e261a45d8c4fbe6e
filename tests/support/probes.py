"""Fresh-process probes, shared by `make bench` and the cold-start tests: in the venv, or from the built
artifacts with Lambda's Python (3.13), folders laid out as Lambda mounts them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from infra.settings import ROOT

BUILD = ROOT / ".aws-sam" / "build"

# A cold start: a fresh process imports one function's module and serves one request. argv: module, handler
# attribute, event file, then (optional) a JSON list of modules to report as loaded. It reports how long that
# took, the status, the watched modules loaded, and every source file it had to compile (no bytecode for it).
COLD_START = """
import importlib._bootstrap_external as _ext
compiled = []
_source_to_code = _ext.SourceLoader.source_to_code
def _counting(self, data, path, *args, **kwargs):
    compiled.append(path)
    return _source_to_code(self, data, path, *args, **kwargs)
_ext.SourceLoader.source_to_code = _counting
import json, sys, time, types, importlib
started = time.perf_counter()
event = json.load(open(sys.argv[3]))
module = importlib.import_module(sys.argv[1])
context = types.SimpleNamespace(aws_request_id="cold", function_name=sys.argv[1], memory_limit_in_mb=256,
                                invoked_function_arn="arn", get_remaining_time_in_millis=lambda: 10000)
response = getattr(module, sys.argv[2])(event, context)
seconds = time.perf_counter() - started
status = response.get("statusCode", 200)  # a scheduled function returns a summary
error = json.loads(response.get("body") or "{}").get("error") if status >= 400 else None
watched = json.loads(sys.argv[4]) if len(sys.argv) > 4 else []
loaded = sorted(m for m in watched if m in sys.modules)
print(json.dumps({"seconds": seconds, "status": status, "error": error, "loaded": loaded, "compiled": compiled}))
"""


def project_env(**extra: str) -> dict[str, str]:
    """The environment a fresh process of this project needs: the layer and the repository importable."""
    return {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", **extra}


def run_probe(code: str, *args: str, **env: str) -> dict:
    """Run `code` in a fresh interpreter of the venv; its last stdout line is a JSON report."""
    return _run([sys.executable, "-c", code, *args], ROOT, project_env(**env))


def cold_start(function_dir: str, *args: str, **env: str) -> dict:
    """`functions/<function_dir>/app.py` cold, in the venv."""
    return run_probe(COLD_START, f"functions.{function_dir}.app", *args, **env)


# ---- the built artifacts, as Lambda runs them -------------------------------------------------------------


LAMBDA_PYTHON = "python3.13"  # the template's Runtime


def lambda_python() -> str | None:
    """Lambda's Python on this machine: pyenv's build, else the system's."""
    pyenv = sorted(Path.home().glob(f".pyenv/versions/{LAMBDA_PYTHON[6:]}*/bin/{LAMBDA_PYTHON}"))
    for candidate in [*pyenv, Path("/usr/local/bin") / LAMBDA_PYTHON, Path("/usr/bin") / LAMBDA_PYTHON]:
        if candidate.is_file():
            return str(candidate)
    return None


def native_stand_ins(layer: Path = BUILD / "SharedLayer" / "python") -> Path:
    """This machine's builds of the layer's native packages, at the layer's versions, compiled the same way.

    The layer is built for arm64; on another machine its pure Python runs as is, but the shared objects of
    cffi, argon2 and regex cannot load, so these stand in for them (ahead of the layer on the path).
    """
    pins = [
        f"{name}=={version}"
        for dist in layer.glob("*.dist-info")
        for name, _, version in [dist.name.removesuffix(".dist-info").partition("-")]
        if name in ("cffi", "argon2_cffi_bindings", "regex")
    ]
    target = ROOT / ".local" / "native-stand-ins" / "-".join(sorted(pins))
    if not target.is_dir():
        python = lambda_python()
        work = target.with_suffix(".partial")
        pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--no-deps"]
        subprocess.run([*pip, "--target", str(work), *pins], check=True, capture_output=True, timeout=300)
        compileall = [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(work)]
        subprocess.run(compileall, check=True, capture_output=True, timeout=300)
        work.rename(target)
    return target


def artifact_env(task: Path, layer: Path, **extra: str) -> dict[str, str]:
    """Lambda's mounts: /var/task (the function) first, then /opt/python (the layer); no bytecode written."""
    path = [str(task)]
    if os.uname().machine not in ("aarch64", "arm64"):
        path.append(str(native_stand_ins()))
    path.append(str(layer))
    return {**os.environ, "PYTHONPATH": ":".join(path), "PYTHONDONTWRITEBYTECODE": "1", **extra}


def artifact_cold_start(function: str, handler: str, *args: str, build: Path = BUILD, **env: str) -> dict:
    """Logical id `function`'s built artifact (under `build`) served cold with Lambda's Python (handler "app.app")."""
    module, _, attribute = handler.partition(".")
    return artifact_run(COLD_START, module, attribute, *args, task=build / function, build=build, **env)


def artifact_run(code: str, *args: str, task: Path, build: Path = BUILD, **env: str) -> dict:
    """Run `code` with Lambda's Python in `task` (a function's folder, or the layer's) against `build`'s layer."""
    command = [lambda_python() or LAMBDA_PYTHON, "-s", "-c", code, *args]
    return _run(command, task, artifact_env(task, build / "SharedLayer" / "python", **env))


def without_bytecode(source: Path, target: Path) -> Path:
    """A copy of built artifacts as `sam build` used to ship them: the same files, no __pycache__."""
    import shutil

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "template.yaml"))
    return target


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> dict:
    result = subprocess.run(command, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise RuntimeError(f"probe failed ({result.returncode}): {result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
