"""The page's look in headless Chromium (docs/page.md): light and dark (prefers-color-scheme) really are light
and dark, every view (the forgotten password's, the contact dialog and the account view too) passes axe-core
in both schemes (English at desktop width, Russian at phone width), a field's hint shows only while the field
is in use or wrong; the page installs as an app (its manifest, icons and theme colours) and starts offline
from its service worker, which keeps the page's own files and never an API answer. Screenshots in
test-artifacts/look/."""

from __future__ import annotations

import json
import re
import struct
import uuid

import pytest
import requests

from tests.e2e.test_softphone import DESKTOP, LANGS, PHONE, post
from tests.support import axe
from tests.support.browser import launched
from tests.support.paths import PAGE_DIST, ROOT

ARTIFACTS = ROOT / "test-artifacts" / "look"
SCHEMES = ("light", "dark")
OFFLINE = {"en": "You are offline", "ru": "Нет подключения к интернету"}
# The page's background and its cards, as the eye gets them (WCAG relative luminance, 0 black .. 1 white).
BACKGROUND_JS = """() => [document.body, document.querySelector('.card:not([hidden])')].map((el) => {
  let node = el;
  while (node && getComputedStyle(node).backgroundColor === 'rgba(0, 0, 0, 0)') node = node.parentElement;
  return getComputedStyle(node || document.documentElement).backgroundColor;
})"""


@pytest.fixture(scope="module")
def browser():
    with launched() as instance:
        yield instance


def new_page(browser, base_url: str, viewport: dict, locale: str, scheme: str = "light"):
    # bypass_csp lets the test inject axe-core; the page itself never needs it.
    context = browser.new_context(viewport=viewport, locale=locale, color_scheme=scheme, bypass_csp=True)
    context.grant_permissions(["microphone"], origin=base_url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def luminance(css: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+(?:\.\d+)?", css)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def audit(page, name: str, full_page: bool = True) -> None:
    """The view in both schemes: light really light, dark really dark, no serious or critical axe violation."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        page_bg, card_bg = (luminance(c) for c in page.evaluate(BACKGROUND_JS))
        if scheme == "dark":
            assert page_bg < 0.03 and card_bg < 0.05, f"{name}: not dark ({page_bg:.3f}, {card_bg:.3f})"
        else:
            assert page_bg > 0.85 and card_bg > 0.85, f"{name}: not light ({page_bg:.3f}, {card_bg:.3f})"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}.png"), full_page=full_page)
        violations = axe.violations(page)
        bad = axe.serious(violations)
        detail = [
            n["any"][0]["message"] for v in violations if v["impact"] in ("serious", "critical") for n in v["nodes"]
        ]
        assert not bad, f"{name}-{scheme}: {bad} {detail}"


def hint_shown(page, hint_id: str) -> bool:
    return page.evaluate(
        "(id) => { const el = document.getElementById(id);"
        " return el.offsetHeight > 0 && getComputedStyle(el).opacity === '1'; }",
        hint_id,
    )


@pytest.mark.parametrize(("lang", "viewport"), [("en", DESKTOP), ("ru", PHONE)], ids=["en-desktop", "ru-phone"])
def test_every_view_is_light_or_dark_with_the_browser_and_passes_axe_in_both(browser, base_url, db, lang, viewport):
    from playwright.sync_api import expect

    words = LANGS[lang]
    shot = f"{lang}-{'desktop' if viewport is DESKTOP else 'phone'}"
    page = new_page(browser, base_url, viewport, words["locale"])
    by = page.get_by_test_id
    page.goto(base_url + "/")
    expect(by("signin-email")).to_be_visible()
    expect(page.locator(".bar h1")).to_be_visible()
    logo = page.evaluate("() => getComputedStyle(document.querySelector('.bar h1'), '::before').backgroundImage")
    assert "icon.svg" in logo  # the logo beside the title
    audit(page, f"{shot}-1-signin")

    by("show-forgot").click()
    expect(by("forgot-email")).to_be_focused()
    audit(page, f"{shot}-1-forgot-password")
    by("forgot-back").click()
    expect(by("signin-email")).to_be_visible()

    by("show-signup").click()
    by("signup-email").fill(f"look-{lang}-{uuid.uuid4().hex[:6]}@example.com")
    assert hint_shown(page, "signup-password-hint") is False  # not before the field is used
    by("signup-password").fill("short")
    by("signup-submit").click()
    expect(by("message")).not_to_be_empty()
    expect(by("signup-password")).to_have_attribute("aria-invalid", "true")
    assert hint_shown(page, "signup-password-hint")  # the rule shows beside the mistake
    audit(page, f"{shot}-2-signup-error")
    email = by("signup-email").input_value()
    by("signup-password").fill("password123")
    by("signup-submit").click()
    expect(by("message")).to_contain_text(words["signed_up"])
    by("signin-password").fill("password123")
    by("signin-submit").click()
    expect(by("signout")).to_be_visible()
    expect(by("country")).to_be_focused()  # where the page puts you once signed in
    assert email

    by("national-number").focus()
    assert hint_shown(page, "number-hint")  # in use: the hint helps
    page.locator("#dial-title").click()  # the field is left, nothing is wrong
    page.wait_for_function(
        "['number-hint', 'country-hint'].every((id) => getComputedStyle(document.getElementById(id)).opacity === '0')"
    )
    assert not hint_shown(page, "number-hint") and not hint_shown(page, "country-hint")
    audit(page, f"{shot}-3-dialler")

    by("mic-check").click()
    page.click("#mic-start")
    page.wait_for_function("document.getElementById('mic-level').value > 0")
    audit(page, f"{shot}-4-mic-check", full_page=False)  # a modal dialog
    page.click("#mic-close")

    by("country").fill(words["country"])
    by("country").press("Tab")
    by("national-number").press_sequentially(words["number"])
    expect(by("call-button")).to_be_enabled()
    by("call-button").click()
    expect(by("call-status")).to_have_text(words["talking"], timeout=10000)
    audit(page, f"{shot}-5-in-call")
    by("hangup-button").click()
    expect(by("history").locator("li").first).to_contain_text(words["formatted"])
    audit(page, f"{shot}-6-history")

    by("history").locator("li").first.get_by_test_id("add-contact").click()
    expect(by("contact-dialog")).to_be_visible()
    by("contact-save").click()  # no name yet: the dialog shows its mistake too
    expect(by("contact-name")).to_have_attribute("aria-invalid", "true")
    cancel, save = (by(name).bounding_box() for name in ("contact-cancel", "contact-save"))
    assert cancel and save and (cancel["y"], cancel["height"]) == (save["y"], save["height"])  # side by side, level
    audit(page, f"{shot}-7-contact-dialog", full_page=False)  # a modal dialog
    by("contact-cancel").click()
    expect(by("contact-dialog")).to_be_hidden()

    by("who").click()
    expect(by("account-email")).to_have_text(email)
    audit(page, f"{shot}-8-account")
    assert not page.errors


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_makes_the_page_installable_with_its_icons(browser, base_url):
    response = requests.get(base_url + "/manifest.webmanifest", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] and manifest["short_name"] and manifest["display"] == "standalone"
    assert manifest["start_url"] == "./" and manifest["scope"] == "./"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"]) and manifest["background_color"]
    sizes = set()
    for icon in manifest["icons"]:
        image = requests.get(f"{base_url}/{icon['src']}", timeout=10)
        assert image.status_code == 200 and image.headers["Content-Type"] == icon["type"], icon
        if icon["type"] == "image/png":
            width, height = png_size(image.content)
            assert f"{width}x{height}" == icon["sizes"], icon
            sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes

    page = new_page(browser, base_url, PHONE, "en-US")
    page.goto(base_url + "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    cdp = page.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["url"] == base_url + "/manifest.webmanifest" and parsed["errors"] == [], parsed["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Chromium itself would offer to install it (a Playwright context is an incognito profile, which never is).
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == [], errors
    touch = page.locator("link[rel=apple-touch-icon]").get_attribute("href")
    assert png_size(requests.get(f"{base_url}/{touch}", timeout=10).content) == (180, 180)
    themes = page.locator("meta[name=theme-color]")
    assert themes.count() == 2 and {themes.nth(i).get_attribute("media") for i in range(2)} == {
        "(prefers-color-scheme: light)",
        "(prefers-color-scheme: dark)",
    }


def built_worker() -> tuple[str, list[str]]:
    """The version and the shell list that build.mjs wrote into dist/sw.js."""
    source = (PAGE_DIST / "sw.js").read_text()
    version = re.search(r'const VERSION = "(\w+)";', source)
    shell = re.search(r"const SHELL = (\[.*?\]);", source)
    assert version and shell and version.group(1) != "dev"
    return version.group(1), json.loads(shell.group(1))


def test_the_service_worker_is_served_fresh_and_lists_the_pages_own_files(base_url):
    response = requests.get(base_url + "/sw.js", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"  # a deploy's new worker is seen at the next load
    _, shell = built_worker()
    assert {"index.html", "app.js", "style.css", "manifest.webmanifest", "icons/icon-192.png"} <= set(shell)
    assert any(name.startswith("sounds/") for name in shell)
    assert not [name for name in shell if name.startswith(("vendor/", "api/")) or name in ("config.json", "sw.js")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_shell_starts_offline_and_no_api_answer_is_ever_kept(browser, base_url, lang, caplog):
    from playwright.sync_api import expect

    words = LANGS[lang]
    version, shell = built_worker()
    email = f"sw-{lang}-{uuid.uuid4().hex[:6]}@example.com"
    assert post(base_url, "/api/auth/register", {"email": email, "password": "password123"}) == 201
    page = new_page(browser, base_url, PHONE if lang == "ru" else DESKTOP, words["locale"])
    by = page.get_by_test_id
    # A previous deploy's shell, which the new worker must replace.
    page.goto(base_url + "/config.json")
    page.evaluate("caches.open('softphone-shell-0ld').then((c) => c.put('index.html', new Response('old')))")
    served = []
    page.on("response", lambda r: served.append((r.url, r.from_service_worker)))

    page.goto(base_url + "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate("caches.keys()") == [f"softphone-shell-{version}"]
    page.reload()  # now controlled: the shell passes through the worker, the API does not
    by("signin-email").fill(email)
    by("signin-password").fill("password123")
    by("signin-submit").click()
    expect(by("signout")).to_be_visible()
    expect(page.locator("#history-empty")).to_be_visible()  # the history answer came
    kept = page.evaluate(
        """async () => { const all = [];
          for (const key of await caches.keys()) {
            for (const r of await (await caches.open(key)).keys()) all.push(new URL(r.url).pathname.slice(1));
          } return all; }"""
    )
    assert sorted(kept) == sorted(shell)  # exactly the shell: no API answer, no config.json
    api = [hit for url, hit in served if "/api/" in url]
    assert api and not any(api)  # the API answers came from the network, untouched
    assert not any(hit for url, hit in served if url.endswith("/config.json"))
    assert any(hit for url, hit in served if url.endswith("/app.js"))

    expect(page.get_by_test_id("offline")).to_be_hidden()
    page.context.set_offline(True)
    caplog.clear()
    page.reload()
    expect(by("offline")).to_be_visible()
    expect(by("offline")).to_contain_text(OFFLINE[lang])
    expect(page.locator(".bar h1")).to_be_visible()
    page.wait_for_function("document.body.dataset.ready")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{lang}-offline.png"), full_page=True)
    assert page.evaluate("fetch('config.json').then(() => 'online', () => 'offline')") == "offline"
    reached = [r.request for r in caplog.records if hasattr(r, "request")]  # the gateway's request log
    assert reached == [], reached  # the whole shell came from the worker's cache
    page.context.set_offline(False)
    page.reload()
    expect(by("offline")).to_be_hidden()
    expect(by("signout")).to_be_visible()
