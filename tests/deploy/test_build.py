"""`make build` (sam build, no Docker) produced deployable artifacts: handlers, the layer, the migrations."""

import importlib.util
import os
import re
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
    # built for Lambda's arm64 Python 3.13, not for this machine
    assert list(site.glob("_cffi_backend.cpython-313-aarch64-linux-gnu.so"))


def test_the_migration_function_carries_every_migration(build):
    shipped = {p.name: p.read_bytes() for p in (build / "MigrateFunction" / "migrations").glob("*")}
    source = {p.name: p.read_bytes() for p in (ROOT / "migrations").glob("*")}
    assert shipped == source and source


LAYER_BUDGET_MIB = 110  # measured 89 MiB unzipped with bytecode (docs/deploying.md); Lambda's limit is 250 MB
# What no function imports: installers, Chalice's command line (and what it pulls in), Twilio's asyncio client.
INSTALLERS = {"pip", "setuptools", "wheel"}
CHALICE_CLI = {"click", "inquirer", "blessed", "readchar", "editor", "wcwidth", "jinxed", "runs", "xmod", "yaml"}
TWILIO_ASYNCIO = {"aiohttp", "aiohttp_retry", "multidict", "yarl", "frozenlist"}
NOT_IN_THE_LAYER = INSTALLERS | CHALICE_CLI | TWILIO_ASYNCIO


def test_the_layer_holds_its_budget_and_only_what_functions_import(build):
    site = build / "SharedLayer" / "python"
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert size <= LAYER_BUDGET_MIB * 2**20, f"{size / 2**20:.1f} MiB"
    top_level = {p.name.removesuffix(".py") for p in site.iterdir()}
    assert not top_level & NOT_IN_THE_LAYER, top_level & NOT_IN_THE_LAYER
    assert not [p for p in site.iterdir() if p.name.startswith(("_distutils_hack", "distutils-precedence"))]


def locked() -> dict[str, str]:
    """shared/requirements.lock: name -> version."""
    pins = {}
    for line in (ROOT / "shared" / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, _, version = line.split(" ")[0].partition("==")
            pins[canonical(name)] = version
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_pins_every_direct_requirement_with_hashes():
    lock = (ROOT / "shared" / "requirements.lock").read_text()
    entries = re.split(r"\n(?=\S)", lock.split("# The following packages were excluded")[0])
    pinned = [e for e in entries if "==" in e.split("\n")[0]]
    assert pinned and all("--hash=sha256:" in e for e in pinned)
    for line in (ROOT / "shared" / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, _, version = line.split("#")[0].strip().partition("==")
            assert locked().get(canonical(name)) == version, f"{name}: run `make lock` after changing requirements"
    assert {"botocore", "urllib3", "requests", "s3transfer"} <= set(locked())  # indirect ones too
    assert not {canonical(n) for n in NOT_IN_THE_LAYER} & set(locked())


def test_the_layer_is_exactly_the_lock(build):
    site = build / "SharedLayer" / "python"
    installed = {
        canonical(name): version
        for dist in site.glob("*.dist-info")
        for name, _, version in [dist.name.removesuffix(".dist-info").partition("-")]
    }
    assert installed == locked()


def test_built_handler_modules_import_against_the_layer(build, monkeypatch):
    # the artifact's own app.py, importable with only the layer's package (this machine's deps stand in)
    spec = importlib.util.spec_from_file_location("built_health", build / "HealthFunction" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.app)
