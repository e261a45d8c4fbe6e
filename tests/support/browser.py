"""Debian's Chromium as the browser tests and the page benchmark launch it (no browser download)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

# As root, headless, on a machine with no network but the package registries: no sandbox, no GPU, no
# background connections; fake microphone and camera, permission prompts answered yes.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def chromium_path() -> str | None:
    return next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)


@contextmanager
def launched(args: list[str] | None = None) -> Iterator[Any]:
    """Chromium under Playwright, or a skip where it is missing (a failure in CI, where it must exist)."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: `make browser` installs Debian's chromium")
        pytest.skip("Chromium is not installed (`make browser` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=args or CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()
