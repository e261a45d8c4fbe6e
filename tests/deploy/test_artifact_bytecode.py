"""The built artifacts carry bytecode for Lambda's Python: a cold start from them compiles nothing.

Each function's first request runs with python3.13 from its artifact folder and the layer's, laid out as
Lambda mounts them, writing no bytecode; an import hook lists every source file that had to be compiled.
"""

import json

import pytest

from infra.template import functions
from tests.deploy.test_build import build  # noqa: F401  (the fixture: skips without `make build`)
from tests.performance.test_cold_start_imports import sample_event
from tests.support.probes import BUILD, artifact_cold_start, lambda_python, without_bytecode

pytestmark = pytest.mark.skipif(lambda_python() is None, reason="Lambda's Python (python3.13) not installed")

WITH_SAMPLES = {name: props for name, props in functions().items() if name not in ("MigrateFunction",)}


def probe(name: str, user: dict, tmp_path, **kwargs) -> dict:
    folder = functions()[name]["CodeUri"].rstrip("/").split("/")[-1]
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(sample_event(folder, user)))
    return artifact_cold_start(name, functions()[name]["Handler"], str(event_file), VOIP_PROVIDER="mock", **kwargs)


@pytest.mark.parametrize("name", sorted(WITH_SAMPLES))
def test_a_cold_start_from_the_artifacts_compiles_nothing(build, stack, db, user, name, tmp_path):  # noqa: F811
    served = probe(name, user, tmp_path)
    assert served["status"] < 500, served
    assert served["compiled"] == []


def test_every_module_in_the_artifacts_has_zip_stable_bytecode(build):  # noqa: F811
    sources = [p for p in build.rglob("*.py") if "__pycache__" not in p.parts]
    missing = [p for p in sources if not list(p.parent.glob(f"__pycache__/{p.stem}.cpython-313.pyc"))]
    assert sources and not missing[:5]
    flags = {int.from_bytes(pyc.read_bytes()[4:8], "little") for pyc in build.rglob("*.cpython-313.pyc")}
    assert flags == {0b01}  # hash-based, unchecked: valid whatever the times of the files in the zip


def test_the_hook_sees_compilation_where_bytecode_is_missing(build, stack, db, user, tmp_path):  # noqa: F811
    stripped = tmp_path / "stripped"
    without_bytecode(BUILD / "HealthFunction", stripped / "HealthFunction")
    (stripped / "SharedLayer").symlink_to(BUILD / "SharedLayer")
    served = probe("HealthFunction", user, tmp_path, build=stripped)
    assert served["status"] == 200
    assert [p.rsplit("/", 1)[-1] for p in served["compiled"]] == ["app.py"]
