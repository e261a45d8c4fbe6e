"""The softphone in headless Chromium: register, log in, dial, answer, hang up, history.

The browser's own RTCPeerConnection takes the server's offer and produces the answer the server accepts:
the proof that the offer is one a browser takes. A screenshot is kept in test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
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


def chromium() -> str | None:
    return next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)


@pytest.fixture
def browser():
    executable = chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: `make browser` installs Debian's chromium")
        pytest.skip("Chromium is not installed (`make browser` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


def test_register_login_dial_answer_hang_up_and_browse_history(browser, base_url, db):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 900, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "/")
    page.fill("#email", "browser@example.com")
    page.fill("#password", "password123")
    page.click("#register")
    expect(page.get_by_test_id("message")).to_have_text("registered: now log in")
    page.click("#login")
    expect(page.get_by_test_id("who")).to_have_text("browser@example.com")

    numbers = ["+491512345678", "+4915123456789", "+14155550101", "+14155550102", "+14155550103", "+14155550104"]
    for index, number in enumerate(numbers):
        page.fill("#phone", number)
        page.click("#call")
        expect(page.get_by_test_id("state")).to_have_text("active")  # the server accepted Chromium's answer
        if index == 0:
            page.wait_for_timeout(1100)  # one call long enough to bill a second
        page.click("#hangup")
        expect(page.get_by_test_id("state")).to_have_text("completed")

    rows = page.locator("#history-rows tr")
    expect(rows).to_have_count(5)  # newest first, five a page
    expect(rows.first).to_contain_text(numbers[-1])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "softphone.png"), full_page=True)
    page.click("#older")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(numbers[0])
    expect(rows.first).to_contain_text("caller_hung_up")
    page.click("#newer")
    expect(rows).to_have_count(5)

    stored = db.run("SELECT status, sdp_answer, duration FROM calls ORDER BY start_time")
    assert [r[0] for r in stored] == ["completed"] * 6
    assert all(r[1].startswith("v=0") and "a=setup:active" in r[1] for r in stored)
    assert stored[0][2] >= 1
    assert not errors
