"""The softphone in headless Chromium, as a person uses it, in English and Russian, at desktop and phone width.

Sign up, sign in, the microphone check, a country and a national number, a call the browser's own
RTCPeerConnection answers, mute, keypad, hang up, history page 2, reload (still signed in), sign out. Every
view is audited with axe-core (zero serious or critical violations) and kept as a screenshot in
test-artifacts/. A separate test renews a short-lived access token before it expires.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.support import axe
from tests.support.browser import launched
from tests.support.paths import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "softphone"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Per language: the browser locale, how the country is searched for, a national number, and a few words.
LANGS = {
    "en": {
        "locale": "en-US",
        "country": "United Kingdom",
        "country_label": "United Kingdom (+44)",
        "number": "07400123456",
        "formatted": "+44 7400 123456",
        "signed_up": "Your account is ready",
        "talking": "Talking",
        "hung_up": "you hung up",
        "signed_out": "You are signed out.",
        "sign_out": "Sign out",
        "wrong_password": "The email or the password is wrong.",
    },
    "ru": {
        "locale": "ru-RU",
        "country": "+7",
        "country_label": "Россия (+7)",
        "number": "9123456789",
        "formatted": "+7 912 345 67 89",
        "signed_up": "Учётная запись создана",
        "talking": "Разговор",
        "hung_up": "вы положили трубку",
        "signed_out": "Вы вышли из учётной записи.",
        "sign_out": "Выйти",
        "wrong_password": "Неверный адрес электронной почты или пароль.",
    },
}
SEEDED = 10  # one full history page before the call the test makes


@pytest.fixture(scope="module")
def browser():
    with launched() as instance:
        yield instance


def sign_in(page, email: str, password: str = "password123") -> None:
    """Fills the sign-in form and sends it (what follows is each test's to wait for)."""
    page.get_by_test_id("signin-email").fill(email)
    page.get_by_test_id("signin-password").fill(password)
    page.get_by_test_id("signin-submit").click()


def new_page(browser, base_url: str, viewport: dict, locale: str):
    # bypass_csp lets the test inject axe-core; the page itself never needs it.
    context = browser.new_context(viewport=viewport, locale=locale, bypass_csp=True)
    context.grant_permissions(["microphone"], origin=base_url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def audit(page, name: str, full_page: bool = True) -> None:
    """Screenshot the view and check it with axe-core: no serious or critical violations."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    result = axe.violations(page)
    bad = axe.serious(result)
    assert not bad, f"{name}: {bad}"
    minor = sorted({f"{v['id']} ({v['impact']})" for v in result})
    if minor:
        print(f"axe {name}: {minor}")


def seed_history(db, email: str, count: int) -> None:
    """`count` finished calls from yesterday, so the history has a full first page."""
    (user_id,) = db.run("SELECT user_id FROM users WHERE email = :email", email=email)[0]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    for i in range(count):
        began = start - dt.timedelta(minutes=10 * i)
        db.run(
            "INSERT INTO calls (call_id, user_id, phone_number, status, start_time, answer_time, end_time,"
            " duration, end_reason) VALUES (:id, :user, :number, 'completed', :start, :start, :end, :duration,"
            " 'callee_hung_up')",
            id=uuid.uuid4(),
            user=user_id,
            number=f"+4930123456{i:02d}",
            start=began,
            end=began + dt.timedelta(seconds=65 + i),
            duration=65 + i,
        )


def post(base_url: str, path: str, body: dict) -> int:
    request = urllib.request.Request(
        base_url + path, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("lang", "viewport"),
    [("en", DESKTOP), ("en", PHONE), ("ru", DESKTOP), ("ru", PHONE)],
    ids=["en-desktop", "en-phone", "ru-desktop", "ru-phone"],
)
def test_a_person_signs_up_calls_browses_history_and_signs_out(browser, base_url, db, lang, viewport):
    from playwright.sync_api import expect

    words = LANGS[lang]
    shot = f"{lang}-{'desktop' if viewport is DESKTOP else 'phone'}"
    page = new_page(browser, base_url, viewport, words["locale"])
    by = page.get_by_test_id
    email = f"{lang}-{viewport['width']}-{uuid.uuid4().hex[:6]}@example.com"

    page.goto(base_url + "/")
    expect(by("signin-email")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)  # from the browser's language
    expect(by("history")).to_be_hidden()  # nothing personal before sign-in
    audit(page, f"{shot}-1-signin")

    by("show-signup").click()
    by("signup-email").fill(email)
    by("signup-password").fill("short")
    by("signup-submit").click()
    expect(by("message")).not_to_be_empty()  # a sentence, not a code
    by("signup-password").fill("password123")
    audit(page, f"{shot}-2-signup")
    by("signup-submit").click()
    expect(by("message")).to_contain_text(words["signed_up"])
    seed_history(db, email, SEEDED)

    by("signin-password").fill("wrong-password")
    by("signin-submit").click()
    expect(by("message")).to_have_text(words["wrong_password"])  # the table's sentence, not the code
    by("signin-password").fill("password123")
    by("signin-submit").click()
    expect(by("signout")).to_be_visible()
    expect(by("history").locator("li")).to_have_count(SEEDED)
    expect(by("history-next")).to_be_disabled()  # exactly one page

    by("mic-check").click()
    page.click("#mic-start")
    page.wait_for_function("document.getElementById('mic-level').value > 0")  # the fake mic's beeps
    expect(page.locator("#mic-input option")).not_to_have_count(0)
    page.click("#mic-test")
    audit(page, f"{shot}-3-mic-check", full_page=False)  # a modal dialog
    page.click("#mic-close")

    by("country").fill(words["country"])
    by("country").press("Tab")
    expect(by("country")).to_have_value(words["country_label"])  # the name and the dialling code
    by("national-number").press_sequentially(words["number"][:-3])
    expect(by("call-button")).to_be_disabled()  # not a complete number yet
    by("national-number").press_sequentially(words["number"][-3:])
    expect(by("call-button")).to_be_enabled()
    expect(by("national-number")).not_to_have_value(words["number"])  # formatted as typed
    audit(page, f"{shot}-4-dialler")

    by("call-button").click()
    # The media peer's callee rings (~2 s), then answers: the server's status says so.
    expect(by("call-status")).to_have_text(words["talking"], timeout=10000)
    expect(by("call-timer")).to_have_text("0:01", timeout=3000)
    by("mute-button").click()
    expect(by("mute-button")).to_have_attribute("aria-pressed", "true")
    by("dtmf-1").click()
    expect(by("dtmf-1")).to_be_enabled()  # the media peer negotiated telephone-event: the tone went out
    audit(page, f"{shot}-5-in-call")
    by("hangup-button").click()
    expect(by("call-status")).to_contain_text(words["hung_up"])
    rows = by("history").locator("li")
    expect(rows.first).to_contain_text(words["formatted"])
    expect(rows.first).to_contain_text("0:0")  # m:ss
    audit(page, f"{shot}-6-ended")

    expect(rows).to_have_count(SEEDED)
    by("history-next").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("1:14")  # the oldest seeded call: 74 s
    audit(page, f"{shot}-7-history-page-2")
    by("history-prev").click()
    expect(rows).to_have_count(SEEDED)
    by("history-filter").select_option("busy")
    expect(rows).to_have_count(0)
    by("history-filter").select_option("completed")
    expect(rows).to_have_count(SEEDED)
    rows.nth(1).get_by_test_id("redial").click()  # "Call" calls at once
    expect(by("national-number")).to_have_value("030 12345600")  # the newest seeded call
    expect(by("call-status")).to_have_text(words["talking"], timeout=10000)
    by("hangup-button").click()
    expect(by("call-button")).to_be_visible()
    expect(rows).to_have_count(SEEDED)

    page.reload()
    expect(by("signout")).to_be_visible()  # still signed in
    expect(rows).to_have_count(SEEDED)

    other = "ru" if lang == "en" else "en"
    by("language").select_option(other)  # the switch, remembered across reloads
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(by("signout")).to_have_text(LANGS[other]["sign_out"])
    page.reload()
    expect(by("signout")).to_have_text(LANGS[other]["sign_out"])
    by("language").select_option(lang)
    expect(by("signout")).to_have_text(words["sign_out"])
    refresh_token = page.evaluate("JSON.parse(localStorage.getItem('softphone.session')).refresh")
    by("signout").click()
    expect(by("message")).to_have_text(words["signed_out"])
    expect(by("signin-email")).to_be_visible()
    assert page.evaluate("localStorage.getItem('softphone.session')") is None
    assert post(base_url, "/api/auth/refresh", {"refresh_token": refresh_token}) == 401  # revoked
    page.reload()
    expect(by("signin-email")).to_be_visible()
    assert not page.errors
    page.context.close()

    stored = db.run("SELECT status, sdp_answer FROM calls WHERE sdp_answer IS NOT NULL")
    assert [row[0] for row in stored] == ["completed", "completed"]  # the call, and the one from history
    assert stored[0][1].startswith("v=0") and "a=setup:active" in stored[0][1]


def test_the_page_renews_a_short_lived_access_token_before_it_expires(browser, base_url, db, monkeypatch):
    from playwright.sync_api import expect

    from calls_platform import bootstrap

    monkeypatch.setenv("ACCESS_TOKEN_TTL_SECONDS", "8")
    bootstrap.reset()  # the functions read the lifetime when they are wired
    email = f"refresh-{uuid.uuid4().hex[:6]}@example.com"
    assert post(base_url, "/api/auth/register", {"email": email, "password": "password123"}) == 201
    page = new_page(browser, base_url, DESKTOP, "en-US")
    statuses: list[tuple[str, int]] = []
    page.on("response", lambda response: statuses.append((response.url, response.status)))
    by = page.get_by_test_id
    page.goto(base_url + "/")
    by("signin-email").fill(email)
    by("signin-password").fill("password123")
    by("signin-submit").click()
    expect(by("signout")).to_be_visible()
    first = page.evaluate("JSON.parse(localStorage.getItem('softphone.session')).refresh")

    page.wait_for_timeout(18000)  # more than two lifetimes
    by("history-filter").select_option("completed")  # an API call with whatever token the page holds now
    expect(page.locator("#history-empty")).to_be_visible()
    renewals = [url for url, status in statuses if url.endswith("/api/auth/refresh") and status == 200]
    assert len(renewals) >= 2  # renewed ahead of each expiry, the rotated refresh token stored each time
    assert page.evaluate("JSON.parse(localStorage.getItem('softphone.session')).refresh") != first
    assert not [url for url, status in statuses if status == 401]  # never caught with an expired token
    expect(by("message")).to_be_empty()

    page.reload()
    expect(by("signout")).to_be_visible()  # the renewed session survives a reload
    expect(page.locator("#history-empty")).to_be_visible()
    # Only then the first refresh token again: single use, and its reuse revokes the whole family (a stolen
    # copy is in play), so the page's own pair stops working too and its next renewal ends the session. (Done
    # before the reload, as it was, this made the reload's requests race the revocation.)
    assert post(base_url, "/api/auth/refresh", {"refresh_token": first}) == 401
    expect(by("message")).to_have_text("Your session has ended. Please sign in again.", timeout=10000)
    expect(by("signin-submit")).to_be_visible()
    assert not page.errors
    page.context.close()


def test_every_error_type_engine_code_and_end_reason_has_words_in_both_languages():
    """One table per language: every error the API can answer (openapi.yaml plus the types other branches
    add), every engine code of the page contract, and every end reason map to a sentence."""
    import yaml

    source = (ROOT / "softphone" / "src" / "i18n.js").read_text()
    api = yaml.safe_load((ROOT / "openapi.yaml").read_text())["components"]["schemas"]
    errors = set(api["Error"]["properties"]["error"]["enum"]) | {
        "destination_not_allowed",
        "call_in_progress",
        "daily_minutes_exceeded",
        "voip_not_configured",
    }
    engine = {"mic_missing", "mic_denied", "network", "token_expired", "connection_failed", "sdk_failed"}
    engine |= {"incoming_rejected", "unknown"}
    reasons = {r for r in api["HistoryItem"]["properties"]["end_reason"]["enum"] if r}
    reasons |= {"browser_not_answered", "remote_hung_up", "connection_failed", "mic_missing", "mic_denied"}
    statuses = set(api["CallStatus"]["enum"])
    for block in source.split("\nconst ")[1:3]:  # en, then ru
        table = block[block.index("error: {") :]
        assert {code for code in errors | engine if f"\n    {code}: " not in table} == set()
        assert {r for r in reasons if f'"reason.{r}": ' not in block} == set()
        assert {s for s in statuses if f'"state.{s}": ' not in block} == set()


def test_keyboard_only_call_that_the_other_side_ends_is_shown_ended_with_the_reason(browser, base_url, db):
    """Keyboard only from sign-in to the call; then the server is the truth: when the call ends there (the
    callee hangs up), the page stops the media, hides the call controls and says why."""
    from playwright.sync_api import expect

    email = f"remote-{uuid.uuid4().hex[:6]}@example.com"
    assert post(base_url, "/api/auth/register", {"email": email, "password": "password123"}) == 201
    page = new_page(browser, base_url, PHONE, "en-GB")
    by = page.get_by_test_id
    page.goto(base_url + "/")
    # Keyboard only: Tab to the form, type, Enter; the page moves the focus to the dialler, Enter calls.
    page.wait_for_selector("body[data-ready]")
    page.keyboard.press("Tab")  # the language switch
    page.keyboard.press("Tab")
    expect(by("signin-email")).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type("password123")
    page.keyboard.press("Enter")
    expect(by("country")).to_be_focused()
    expect(by("country")).to_have_value("United Kingdom (+44)")  # from the browser's locale
    page.keyboard.press("Tab")
    expect(by("national-number")).to_be_focused()
    page.keyboard.type("07400123456")
    page.keyboard.press("Enter")
    # The first call waits for the microphone check, which opens by itself; Enter starts it, Escape closes it.
    expect(page.locator("#mic-start")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#mic-status")).not_to_be_empty()
    page.keyboard.press("Escape")
    expect(by("call-status")).to_have_text("Talking", timeout=10000)
    expect(by("hangup-button")).to_be_focused()
    db.run(
        "UPDATE calls SET status = 'completed', end_time = now(), duration = 1, end_reason = 'callee_hung_up'"
        " WHERE status = 'active'"
    )
    expect(by("call-status")).to_have_text("Call ended: the other person hung up")
    expect(by("hangup-button")).to_be_hidden()
    expect(by("history").locator("li").first).to_contain_text("the other person hung up")
    assert not page.errors
    page.context.close()


def test_a_call_whose_connection_fails_is_ended_cleanly_and_explained(browser, base_url, db):
    from playwright.sync_api import expect

    email = f"broken-{uuid.uuid4().hex[:6]}@example.com"
    assert post(base_url, "/api/auth/register", {"email": email, "password": "password123"}) == 201
    page = new_page(browser, base_url, DESKTOP, "en-US")
    by = page.get_by_test_id
    page.goto(base_url + "/")
    page.evaluate("localStorage.setItem('softphone.micChecked', '1')")
    by("signin-email").fill(email)
    by("signin-password").fill("password123")
    by("signin-submit").click()
    page.route("**/api/calls/answer", lambda route: route.abort())  # the media never gets connected
    by("national-number").fill("(202) 555-0143")
    by("call-button").click()
    expect(by("call-status")).to_have_text("Call ended: the connection was lost")
    expect(by("message")).to_have_text("The connection to the service was lost. Check your internet connection.")
    expect(by("call-button")).to_be_visible()
    stored = db.run("SELECT status, end_reason FROM calls")
    assert len(stored) == 1 and stored[0][0] not in ("connecting", "ringing", "active")  # terminated, not left live
    assert not page.errors
    page.context.close()
