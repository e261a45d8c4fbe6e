"""The Makefile's lint targets: code lint (ruff, mypy) needs only .venv, the template lint its own; CI runs both.

What mypy checks, and that it catches an adapter that does not fit its port: test_typecheck.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

from infra.settings import ROOT


def recipe(target: str) -> str:
    """What `make <target>` would run (make -n: nothing is run)."""
    return subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_code_lint_is_ruff_and_mypy_without_the_sam_venv():
    lint = recipe("lint")
    assert "ruff check ." in lint and "ruff format --check ." in lint and ".venv/bin/mypy" in lint
    assert ".venv-sam" not in lint and "cfn-lint" not in lint and "sam validate" not in lint


def test_template_lint_is_its_own_target():
    template = recipe("lint-template")
    assert "cfn-lint template.yaml" in template and "validate --lint" in template
    assert ".venv-checkov/bin/checkov --file template.yaml" in template  # 0 failed: each skip says why


def test_ci_runs_both_lints():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make lint" in ci and "make lint-template" in ci


def test_squawk_lints_every_migration_after_010_and_catches_a_blocking_index(tmp_path):
    lint = recipe("lint-migrations")
    assert "squawk" in lint and "docs/examples/concurrent_index.sql" in lint
    assert "001_create_users.sql" not in lint and "010_" not in lint  # applied: never edited, never linted
    blocking = tmp_path / "011_index.sql"
    blocking.write_text("CREATE INDEX calls_status_idx ON calls (status);\n")
    squawk = [str(ROOT / ".venv" / "bin" / "squawk"), "--config", str(ROOT / ".squawk.toml")]
    caught = subprocess.run([*squawk, str(blocking)], capture_output=True, text=True, check=False)
    assert caught.returncode != 0 and "require-concurrent-index-creation" in caught.stdout
    example = ROOT / "docs" / "examples" / "concurrent_index.sql"
    assert subprocess.run([*squawk, str(example)], capture_output=True, check=False).returncode == 0


def test_make_deploy_is_guided_the_first_time_and_each_stage_has_its_parameters():
    import tomllib

    from infra.template import template

    deploy = recipe("deploy")
    assert "sam build" in deploy and "sam deploy --guided --config-env dev" in deploy
    assert "sam deploy --config-env dev" in deploy and "describe_stacks" in deploy
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    for stage in ("dev", "prod"):
        params = config[stage]["deploy"]["parameters"]
        assert params["stack_name"] == f"calls-platform-{stage}" and params["capabilities"] == "CAPABILITY_IAM"
        overrides = dict(pair.split("=", 1) for pair in params["parameter_overrides"].split())
        assert set(overrides) <= set(template()["Parameters"]), stage
    prod = dict(pair.split("=", 1) for pair in config["prod"]["deploy"]["parameters"]["parameter_overrides"].split())
    assert prod["DbMultiAz"] == "true" and prod["DeploymentType"].startswith("Canary")
    assert config["prod"]["deploy"]["parameters"]["confirm_changeset"] is True


def test_make_uses_lambdas_python_for_the_venv_the_tests_and_sam_build():
    import sys

    found = subprocess.run(
        ["make", "--no-print-directory", "--eval", "print-python: ; @echo $(PYTHON) $(PY313)", "print-python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert found[0] == found[1] and found[0].endswith("python3.13"), found  # pyenv's, on this kind of machine
    assert sys.version_info[:2] == (3, 13)  # the tests run on it too
    assert f'PATH="{Path(found[0]).parent}/:' in recipe("build")  # and sam build compiles with it
