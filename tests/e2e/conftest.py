"""End-to-end tests over HTTP; the `base_url` fixture lives in tests/conftest.py."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.paths import ROOT


@pytest.fixture(scope="session", autouse=True)
def built_page() -> None:
    """The page is served from softphone/dist; `make page` builds it from the lockfile when it is stale."""
    subprocess.run(["make", "--no-print-directory", "page"], cwd=ROOT, check=True, capture_output=True)
