"""The softphone in WebKit, Safari's engine: Debian's WebKitGTK MiniBrowser under Xvfb, driven by Selenium
through WebKitWebDriver (webkit2gtk-driver). The journey up to the call, in English (with the browser's
language reported as "C", which Intl.Locale refuses) and Russian, at desktop width and at the narrowest
window the browser allows (about 447 px): nothing cut off, nothing scrolling sideways. This build has no
RTCPeerConnection: Call says plainly that this browser cannot place calls, and the server gets no initiate.
Screenshots go to test-artifacts/webkit/."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_softphone import LANGS, SEEDED, seed_history
from tests.support.audio import null_sink
from tests.support.display import environ_with, virtual_display
from tests.support.paths import ROOT

# Selenium 4.51 itself still sets remote_server_addr when it starts WebKitWebDriver.
pytestmark = pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
ARTIFACTS = ROOT / "test-artifacts" / "webkit"
NO_WEBRTC = {"en": "This browser cannot place calls", "ru": "Этот браузер не может звонить"}
# Whatever is laid out wider than the window, or past its right edge: cut off or scrolling sideways.
OVERFLOW = """
const width = document.documentElement.clientWidth;
const out = [...document.querySelectorAll('body *')].filter((el) => {
  const box = el.getBoundingClientRect();
  return el.offsetParent !== null && box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
}).map((el) => el.id || el.dataset.testid || el.tagName);
return {scroll: document.documentElement.scrollWidth, width, out};
"""


@pytest.fixture(scope="module")
def webkit() -> Iterator[Any]:
    driver_path = shutil.which("WebKitWebDriver")
    if driver_path is None or not MINIBROWSER.exists() or shutil.which("Xvfb") is None:
        if os.environ.get("CI"):
            pytest.fail("WebKit is missing in CI: `make browser` installs webkit2gtk-driver and xvfb")
        pytest.skip("WebKitGTK is not installed (`make browser` installs webkit2gtk-driver and xvfb)")
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = str(MINIBROWSER)
    for arg in ("--automation", "--enable-media-stream=true", "--enable-mock-capture-devices=true"):
        options.add_argument(arg)
    with virtual_display() as display, null_sink() as audio:
        env = environ_with(display, {**audio, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})  # navigator.language "C"
        driver = webdriver.WebKitGTK(options=options, service=Service(executable_path=driver_path, env=env))
        try:
            yield driver
        finally:
            driver.quit()


def wait(driver: Any, what: str, script: str, *args: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: d.execute_script(script, *args), message=what
    )


def shown_text(driver: Any, element_id: str) -> str:
    return str(driver.execute_script("return document.getElementById(arguments[0]).textContent", element_id))


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    layout = driver.execute_script(OVERFLOW)
    assert layout["scroll"] <= layout["width"] and not layout["out"], (name, layout)


def journey(driver: Any, base_url: str, db: Any, lang: str, width: int) -> int:
    """Up to the call; returns the width the window really got."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    words = LANGS[lang]
    by = {"by": By.CSS_SELECTOR}
    field = lambda testid: driver.find_element(value=f'[data-testid="{testid}"]', **by)  # noqa: E731
    driver.set_window_size(width, 900)
    driver.get(base_url + "/")
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    wait(driver, "sign-in shown", "return !document.getElementById('signin-view').hidden")
    got = int(driver.execute_script("return innerWidth"))
    name = f"{lang}-{'phone' if width < 600 else 'desktop'}"
    if lang != "en":
        field("language").find_element(value=f'option[value="{lang}"]', **by).click()
    wait(driver, "the page's language", "return document.documentElement.lang === arguments[0]", lang)
    shot(driver, f"{name}-1-signin")

    email = f"wk-{lang}-{width}-{uuid.uuid4().hex[:6]}@example.com"
    field("show-signup").click()
    field("signup-email").send_keys(email)
    field("signup-password").send_keys("short")
    field("signup-submit").click()
    wait(driver, "a sentence for a short password", "return document.getElementById('message').textContent")
    field("signup-password").clear()
    field("signup-password").send_keys("password123")
    shot(driver, f"{name}-2-signup")
    field("signup-submit").click()
    wait(
        driver,
        "signed up",
        "return document.getElementById('message').textContent.includes(arguments[0])",
        words["signed_up"],
    )
    seed_history(db, email, SEEDED)
    field("signin-password").send_keys("wrong-password")
    field("signin-submit").click()
    wait(
        driver,
        "wrong password",
        "return document.getElementById('message').textContent === arguments[0]",
        words["wrong_password"],
    )
    field("signin-password").clear()
    field("signin-password").send_keys("password123")
    field("signin-submit").click()
    wait(driver, "the history", "return document.querySelectorAll('#history li').length === arguments[0]", SEEDED)

    field("mic-check").click()
    driver.find_element(value="#mic-start", **by).click()
    wait(driver, "the microphone starts", "return document.getElementById('mic-status').textContent !== ''")
    wait(driver, "the level meter moves", "return document.getElementById('mic-level').value > 0")
    assert not shown_text(driver, "mic-help")  # the mock microphone was found and allowed
    shot(driver, f"{name}-3-mic-check")
    driver.find_element(value="#mic-close", **by).click()

    # The mouse, then the keyboard, as a person does (an element's send_keys would move the caret to the end).
    ActionChains(driver).click(field("country")).send_keys(words["country"], Keys.TAB).perform()
    assert field("country").get_attribute("value") == words["country_label"]
    field("national-number").send_keys(words["number"])
    wait(driver, "Call enabled", "return !document.getElementById('call-button').disabled")
    shot(driver, f"{name}-4-dialler")
    field("call-button").click()
    wait(
        driver,
        "no WebRTC said",
        "return document.getElementById('message').textContent.includes(arguments[0])",
        NO_WEBRTC[lang],
    )
    assert shown_text(driver, "call-status") == ("Ready" if lang == "en" else "Готов к звонку")
    shot(driver, f"{name}-5-no-webrtc")

    assert field("history-next").get_attribute("disabled") is not None  # no call was added: one page still
    driver.refresh()
    wait(driver, "still signed in", "return !document.getElementById('signout').hidden")
    field("signout").click()
    wait(
        driver,
        "signed out",
        "return document.getElementById('message').textContent === arguments[0]",
        words["signed_out"],
    )
    assert driver.execute_script("return localStorage.getItem('softphone.session')") is None
    return got


def test_webkit_goes_up_to_the_call_says_it_cannot_place_calls_and_places_none(webkit, base_url, db):
    assert webkit.execute_script("return typeof RTCPeerConnection") == "undefined"  # what this test is about
    widths = [journey(webkit, base_url, db, lang, width) for lang, width in [("en", 1280), ("ru", 390), ("en", 390)]]
    assert widths[1] < 500  # the narrowest window WebKitGTK allows
    assert webkit.execute_script("return navigator.language") == "C"  # and the page did not go blank
    assert db.run("SELECT count(*) FROM calls") == [[SEEDED * len(widths)]]  # no initiate reached the server
