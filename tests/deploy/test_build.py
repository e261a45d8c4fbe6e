"""`make build` (sam build, no Docker) produced deployable artifacts: handlers, the layer, the migrations."""

import importlib.util
import os
from pathlib import Path

import pytest

from infra.template import ROOT, functions

BUILD = ROOT / ".aws-sam" / "build"


@pytest.fixture(scope="module")
def build() -> Path:
    if not (BUILD / "template.yaml").exists():
        if os.environ.get("CI"):
            pytest.fail("no build: `make build` runs sam build before the tests")
        pytest.skip("no .aws-sam/build: run `make build`")
    return BUILD


def test_each_function_artifact_has_its_handler(build):
    for name, props in functions().items():
        module, _, attribute = props["Handler"].partition(".")
        source = build / name / f"{module}.py"
        assert source.is_file(), name
        assert f"\n{attribute} = " in source.read_text() or f"\ndef {attribute}(" in source.read_text(), name
        assert not (build / name / "calls_platform").exists()  # the layer carries it, once


def test_the_layer_has_the_shared_package_and_its_dependencies(build):
    site = build / "SharedLayer" / "python"
    for package in (
        "calls_platform",
        "pg8000",
        "jwt",
        "argon2",
        "phonenumbers",
        "chalice",
        "twilio",
        "aws_secretsmanager_caching",
        "aws_lambda_powertools",
        "certifi",
    ):
        assert (site / package).is_dir(), package
    assert (site / "calls_platform" / "bootstrap.py").is_file()
    # built for Lambda's arm64 Python 3.12, not for this machine
    assert list(site.glob("_cffi_backend.cpython-312-aarch64-linux-gnu.so"))


def test_the_migration_function_carries_every_migration(build):
    shipped = {p.name: p.read_bytes() for p in (build / "MigrateFunction" / "migrations").glob("*")}
    source = {p.name: p.read_bytes() for p in (ROOT / "migrations").glob("*")}
    assert shipped == source and source


def test_layer_size_is_within_lambdas_limit(build):
    size = sum(p.stat().st_size for p in (build / "SharedLayer").rglob("*") if p.is_file())
    assert size < 200 * 1024 * 1024  # 250 MB for all layers and the function together


def test_built_handler_modules_import_against_the_layer(build, monkeypatch):
    # the artifact's own app.py, importable with only the layer's package (this machine's deps stand in)
    spec = importlib.util.spec_from_file_location("built_health", build / "HealthFunction" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.app)
