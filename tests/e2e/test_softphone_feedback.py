"""What the page tells a person when things do not go to plan, found by using and attacking `make run`:
notices are not errors, a limit says when to try again, a number the platform refuses is not offered, a
refused call is not shown as "ended", the microphone check never blocks a call, nothing sticks out."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.e2e.test_softphone import DESKTOP, browser, new_page, post, seed_history  # noqa: F401  (fixture)

EMAIL, PASSWORD = "feedback@example.com", "password123"


def signed_in(browser, base_url, db, locale="en-US", checked=True):  # noqa: F811
    assert post(base_url, "/api/auth/register", {"email": EMAIL, "password": PASSWORD}) == 201
    page = new_page(browser, base_url, DESKTOP, locale)
    if checked:  # the microphone check has been seen (test_softphone.py covers it)
        page.add_init_script("localStorage.setItem('softphone.micChecked', '1')")
    page.goto(base_url + "/")
    page.get_by_test_id("signin-email").fill(EMAIL)
    page.get_by_test_id("signin-password").fill(PASSWORD)
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_test_id("signout")).to_be_visible()
    return page


def dial(page, country: str, number: str) -> None:
    page.get_by_test_id("country").fill(country)
    page.get_by_test_id("country").press("Enter")
    page.get_by_test_id("national-number").fill(number)


def test_good_news_is_not_shown_as_an_error(browser, base_url, db):  # noqa: F811
    page = new_page(browser, base_url, DESKTOP, "en-US")
    page.goto(base_url + "/")
    page.get_by_test_id("show-signup").click()
    page.get_by_test_id("signup-email").fill(EMAIL)
    page.get_by_test_id("signup-password").fill(PASSWORD)
    page.get_by_test_id("signup-submit").click()
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("Your account is ready")
    expect(message).to_have_attribute("data-kind", "ok")
    page.get_by_test_id("signin-password").fill("wrong-password")
    page.get_by_test_id("signin-submit").click()
    expect(message).to_have_attribute("data-kind", "error")


def test_a_limit_says_when_to_try_again_in_the_persons_language(browser, base_url, db):  # noqa: F811
    page = new_page(browser, base_url, DESKTOP, "ru-RU")
    body = json.dumps({"error": "too_many_requests", "message": "too many registrations"})
    page.route(
        "**/api/auth/register",
        lambda route: route.fulfill(
            status=429, headers={"Retry-After": "3119"}, content_type="application/json", body=body
        ),
    )
    page.goto(base_url + "/")
    page.get_by_test_id("show-signup").click()
    page.get_by_test_id("signup-email").fill(EMAIL)
    page.get_by_test_id("signup-password").fill(PASSWORD)
    page.get_by_test_id("signup-submit").click()
    said = "Слишком много попыток. Попробовать снова можно через 52 минуты."
    expect(page.get_by_test_id("message")).to_have_text(said)


def test_a_premium_rate_number_is_not_offered_and_a_refused_call_is_not_an_ended_one(browser, base_url, db):  # noqa: F811
    page = signed_in(browser, base_url, db)
    dial(page, "+49", "900 1234567")  # German 0900: premium rate
    expect(page.get_by_test_id("call-button")).to_be_disabled()
    expect(page.locator("#number-hint")).to_contain_text("Premium-rate")

    dial(page, "+49", "1512 3456789")
    page.route(
        "**/api/calls/initiate",
        lambda route: route.fulfill(
            status=403,
            content_type="application/json",
            body=json.dumps({"error": "destination_not_allowed", "message": "not allowed"}),
        ),
    )
    page.get_by_test_id("call-button").click()
    expect(page.get_by_test_id("message")).to_have_text("Calls to this number are not allowed.")
    expect(page.get_by_test_id("call-status")).not_to_contain_text("ended")
    expect(page.get_by_test_id("call-button")).to_be_visible()


def test_closing_the_microphone_check_places_the_call_that_opened_it(browser, base_url, db):  # noqa: F811
    page = signed_in(browser, base_url, db, checked=False)
    dial(page, "+49", "1512 3456789")
    page.get_by_test_id("call-button").click()
    dialog = page.locator("#mic-dialog")
    expect(dialog).to_be_visible()
    page.locator("#mic-close").click()  # Done, without starting the check
    expect(page.get_by_test_id("hangup-button")).to_be_visible()  # the call is being placed
    page.get_by_test_id("hangup-button").click()  # at once, maybe while it is still connecting
    expect(page.get_by_test_id("call-status")).to_contain_text("ended")
    [(status,)] = db.run("SELECT status FROM calls")
    assert status == "completed"  # ended on the server too, not only on the page


def test_history_rows_fit_their_card_at_desktop_width_in_russian(browser, base_url, db):  # noqa: F811
    page = signed_in(browser, base_url, db, locale="ru-RU")
    seed_history(db, EMAIL, 3)
    page.reload()
    expect(page.get_by_test_id("redial").first).to_be_visible()
    card = page.locator("#history-view")
    assert card.evaluate("el => el.scrollWidth <= el.clientWidth"), "a history row sticks out of its card"
    box, button = card.bounding_box(), page.get_by_test_id("redial").first.bounding_box()
    assert button["x"] + button["width"] <= box["x"] + box["width"]


def test_a_browser_without_webrtc_places_no_call_and_says_which_browsers_can(browser, base_url, db):  # noqa: F811
    """As WebKitGTK without RTCPeerConnection (test_softphone_webkit.py runs the real one): Call asks the
    server for nothing and says plainly why."""
    assert post(base_url, "/api/auth/register", {"email": EMAIL, "password": PASSWORD}) == 201
    page = new_page(browser, base_url, DESKTOP, "en-US")
    page.add_init_script("delete window.RTCPeerConnection")
    initiated = []
    page.on("request", lambda request: request.url.endswith("/api/calls/initiate") and initiated.append(request))
    page.goto(base_url + "/")
    page.get_by_test_id("signin-email").fill(EMAIL)
    page.get_by_test_id("signin-password").fill(PASSWORD)
    page.get_by_test_id("signin-submit").click()
    dial(page, "United Kingdom", "07400123456")
    page.get_by_test_id("call-button").click()
    expect(page.get_by_test_id("message")).to_contain_text("This browser cannot place calls")
    expect(page.get_by_test_id("message")).to_contain_text("Firefox and Safari")
    expect(page.locator("#mic-dialog")).not_to_have_attribute("open", "")  # nothing to check the mic for
    expect(page.get_by_test_id("call-status")).to_have_text("Ready")
    page.wait_for_timeout(300)
    assert initiated == [] and db.run("SELECT count(*) FROM calls") == [[0]]
    assert not page.errors
    page.context.close()


def test_an_odd_browser_language_never_blanks_the_page(browser, base_url, db):  # noqa: F811
    """WebKit under LANG=C reports navigator.language "C", which Intl.Locale refuses."""
    page = new_page(browser, base_url, DESKTOP, "en-US")
    page.add_init_script(
        "Object.defineProperty(navigator, 'language', {get: () => 'C'});"
        "Object.defineProperty(navigator, 'languages', {get: () => ['C']})"
    )
    page.goto(base_url + "/")
    expect(page.get_by_test_id("signin-email")).to_be_visible()
    assert post(base_url, "/api/auth/register", {"email": EMAIL, "password": PASSWORD}) == 201
    page.get_by_test_id("signin-email").fill(EMAIL)
    page.get_by_test_id("signin-password").fill(PASSWORD)
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_test_id("country")).to_have_value("United States (+1)")  # no region: the default
    assert not page.errors
    page.context.close()
