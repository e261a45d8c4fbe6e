"""The page's own logic, unit-tested with node's test runner (`npm test` in softphone/, files in softphone/test):
the call table, the dialler's countries, the session's renewal and retry, history paging, the i18n tables and
the engines' interface. Run here so that `make test` runs them too."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.paths import ROOT


def test_the_page_unit_tests_pass() -> None:
    if shutil.which("npm") is None:
        pytest.fail("npm (Node.js 20+) is needed to test the softphone page")
    subprocess.run(["make", "--no-print-directory", "softphone/node_modules/.package-lock.json"], cwd=ROOT, check=True)
    result = subprocess.run(
        ["npm", "test", "--silent"], check=False, cwd=ROOT / "softphone", capture_output=True, text=True
    )
    failed = [line for line in result.stdout.splitlines() if line.startswith("not ok")]
    assert result.returncode == 0, "\n".join(failed) or result.stdout[-2000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass " in result.stdout
