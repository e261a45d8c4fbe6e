"""The account's pages in headless Chromium, in English and Russian, at phone and desktop width: a forgotten
password (the emailed link, a new password, signed in; the old one refused; a used link), the email confirmed
from the banner (and sent again, up to its limit), the account view (change the password, download the
history, delete the account), minutes left before dialling and in the refusal, the emailed sign-in code, and
the show-password toggles. The emails are read back from moto's SES; every view is audited with axe-core and
kept as a screenshot in test-artifacts/softphone/account-*.png."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest

from tests.e2e.test_softphone import DESKTOP, PHONE, audit, new_page, post, seed_history, sign_in
from tests.support.browser import launched
from tests.support.emails import code_in, last, sent_to, token_in

PASSWORD = "password123"
WORDS = {
    "en": {
        "locale": "en-US",
        "sent": "If an account exists for {email}, we have sent it a link",
        "reset_done": "Your password is changed.",
        "expired": "This link has expired or was already used",
        "signed_up": "Your account is ready",
        "banner": "Confirm your email address",
        "resent": "We sent a new link to",
        "retry": "You can try again in",
        "verified": "Your email address is confirmed.",
        "verify_expired": "This confirmation link has expired",
        "minutes": "{n} minutes left today",
        "not_yet": "Not yet",
        "wrong": "This is not your current password.",
        "changed": "Your password is changed. You are still signed in here",
        "downloaded": "Your call history is downloaded.",
        "deleted": "Your account is deleted, and you are signed out.",
        "code_needed": "Enter the code we emailed you",
        "no_minutes": "0 minutes left today",
        "reset_subject": "Reset your password",
        "code_subject": "Your sign-in code",
        "number": "(202) 555-0143",
    },
    "ru": {
        "locale": "ru-RU",
        "sent": "Если учётная запись для {email} существует, мы отправили на этот адрес ссылку",
        "reset_done": "Пароль изменён.",
        "expired": "Срок действия ссылки истёк, или она уже использована",
        "signed_up": "Учётная запись создана",
        "banner": "Подтвердите адрес электронной почты",
        "resent": "Мы отправили новую ссылку на",
        "retry": "Попробовать снова можно через",
        "verified": "Адрес электронной почты подтверждён.",
        "verify_expired": "Срок действия ссылки для подтверждения истёк",
        "minutes": "Сегодня осталось {n} минут",
        "not_yet": "Ещё нет",
        "wrong": "Это не ваш текущий пароль.",
        "changed": "Пароль изменён. Здесь вы остаётесь в системе",
        "downloaded": "История звонков скачана.",
        "deleted": "Учётная запись удалена, вы вышли из системы.",
        "code_needed": "Введите код из письма",
        "no_minutes": "сегодня осталось 0 минут",
        "reset_subject": "Сброс пароля",
        "code_subject": "Код для входа",
        "number": "9123456789",
    },
}
CASES = pytest.mark.parametrize(("lang", "viewport"), [("en", DESKTOP), ("ru", PHONE)], ids=["en-desktop", "ru-phone"])
SWAPPED = pytest.mark.parametrize(
    ("lang", "viewport"), [("en", PHONE), ("ru", DESKTOP)], ids=["en-phone", "ru-desktop"]
)


@pytest.fixture(scope="module")
def browser():
    with launched() as instance:
        yield instance


def shot(lang: str, viewport: dict, name: str) -> str:
    return f"account-{lang}-{viewport['width']}-{name}"


def register(base_url: str) -> str:
    email = f"acct-{uuid.uuid4().hex[:10]}@example.com"
    assert post(base_url, "/api/auth/register", {"email": email, "password": PASSWORD}) == 201
    return email


def check_toggle(page, field: str) -> None:
    """The show-password button shows the field's text and hides it again, saying so with aria-pressed."""
    from playwright.sync_api import expect

    button = page.get_by_test_id(f"{field}-reveal")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id(field)).to_have_attribute("type", "password")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id(field)).to_have_attribute("type", "text")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id(field)).to_have_attribute("type", "password")


SLOW_HISTORY = """(() => {
  const fetch = window.fetch.bind(window);
  window.fetch = (url, options) => String(url).includes("/api/calls/history")
    ? new Promise((done) => setTimeout(done, 2500)).then(() => fetch(url, options))
    : fetch(url, options);
})();"""


@CASES
def test_a_forgotten_password_is_reset_from_the_emailed_link(browser, base_url, db, lang, viewport):
    from playwright.sync_api import expect

    words = WORDS[lang]
    email = register(base_url)
    page = new_page(browser, base_url, viewport, words["locale"])
    by = page.get_by_test_id
    page.goto(base_url + "/")
    by("show-forgot").click()
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    by("forgot-email").fill(unknown)
    by("forgot-submit").click()
    expect(by("message")).to_contain_text(words["sent"].format(email=unknown))
    unknown_answer = by("message").inner_text().replace(unknown, "ADDRESS")
    by("forgot-email").fill(email)
    by("forgot-submit").click()
    expect(by("message")).to_contain_text(words["sent"].format(email=email))
    assert by("message").inner_text().replace(email, "ADDRESS") == unknown_answer  # the same words either way
    audit(page, shot(lang, viewport, "1-forgot-sent"))
    message = last(email)
    assert message.subject == words["reset_subject"] and sent_to(unknown) == []  # in the page's language
    token = token_in(message, "reset")

    page.goto(f"{base_url}/#reset={token}")  # the link, opened in the tab that asked for it
    expect(by("reset-password")).to_be_visible()
    assert page.url == base_url + "/"  # the token is out of the address bar (and the history)
    expect(by("reset-email")).to_have_value(email)  # the address this browser asked a link for
    check_toggle(page, "reset-password")
    by("reset-password").fill("short")
    by("reset-submit").click()
    expect(by("reset-password")).to_have_attribute("aria-invalid", "true")
    by("reset-password").fill("a new passphrase")
    expect(by("reset-password")).to_have_attribute("aria-invalid", "false")
    audit(page, shot(lang, viewport, "2-new-password"))
    by("reset-submit").click()
    expect(by("signout")).to_be_visible()  # signed in with the new password
    expect(by("message")).to_contain_text(words["reset_done"])
    assert post(base_url, "/api/auth/login", {"email": email, "password": PASSWORD}) == 401  # the old one refused
    assert post(base_url, "/api/auth/login", {"email": email, "password": "a new passphrase"}) == 200
    assert not page.errors
    page.context.close()

    # The same link again, opened in a new tab: used, so a plain sentence and a way to ask for another.
    page = new_page(browser, base_url, viewport, words["locale"])
    by = page.get_by_test_id
    page.goto(f"{base_url}/#reset={token}")
    by("reset-password").fill("yet another one")
    assert page.url == base_url + "/"
    by("reset-submit").click()
    expect(by("reset-expired")).to_contain_text(words["expired"])
    expect(by("reset-password")).to_be_hidden()
    audit(page, shot(lang, viewport, "3-used-link"))
    by("reset-again").click()
    expect(by("forgot-email")).to_be_focused()
    page.goto(base_url + "/#forgot")  # the "password changed" email's link
    expect(by("forgot-email")).to_be_visible()
    assert not page.errors
    page.context.close()


@SWAPPED
def test_the_email_is_confirmed_from_the_banner_and_its_link(browser, base_url, db, lang, viewport):
    from playwright.sync_api import expect

    words = WORDS[lang]
    email = f"verify-{uuid.uuid4().hex[:10]}@example.com"
    page = new_page(browser, base_url, viewport, words["locale"])
    by = page.get_by_test_id
    page.goto(base_url + "/")
    by("show-signup").click()
    by("signup-email").fill(email)
    by("signup-password").fill("short")
    by("signup-submit").click()
    expect(by("signup-password")).to_have_attribute("aria-invalid", "true")
    by("signup-password").fill(PASSWORD)
    expect(by("signup-password")).to_have_attribute("aria-invalid", "false")  # fixed: no longer red
    check_toggle(page, "signup-password")
    by("signup-submit").click()
    expect(by("message")).to_contain_text(words["signed_up"])
    check_toggle(page, "signin-password")
    by("signin-password").fill(PASSWORD)
    by("signin-submit").click()
    expect(by("verify-banner")).to_contain_text(words["banner"])
    expect(by("verify-banner")).to_contain_text(email)
    expect(by("minutes-left")).to_have_text(words["minutes"].format(n=120))
    audit(page, shot(lang, viewport, "4-banner"))

    by("verify-resend").click()
    expect(by("verify-status")).to_contain_text(words["resent"])
    for _ in range(5):  # four more are sent; the sixth is refused with Retry-After, said in words
        expect(by("verify-resend")).to_be_enabled()
        by("verify-resend").click()
    expect(by("verify-status")).to_contain_text(words["retry"])
    assert len(sent_to(email)) == 6  # the sign-up's and five more
    audit(page, shot(lang, viewport, "5-resend-limited"))

    token = token_in(last(email), "verify")
    page.goto(f"{base_url}/#verify={token}")
    expect(by("message")).to_have_text(words["verified"])
    expect(by("verify-banner")).to_be_hidden()
    assert page.url == base_url + "/"
    # The history answers slowly: a link opened while the page is still starting is followed once it has.
    page.add_init_script(SLOW_HISTORY)
    page.reload()
    expect(by("signout")).to_be_visible()
    expect(by("verify-banner")).to_be_hidden()  # the API says so too
    page.goto(f"{base_url}/#verify={token}")  # used
    expect(by("message")).to_contain_text(words["verify_expired"])
    assert not page.errors
    page.context.close()


@CASES
def test_the_account_view_changes_the_password_downloads_the_history_and_deletes(browser, base_url, db, lang, viewport):
    from playwright.sync_api import expect

    from tests.e2e.test_accounts import login

    words = WORDS[lang]
    email = register(base_url)
    seed_history(db, email, 1)
    other = login(base_url, email)  # another device's session
    page = new_page(browser, base_url, viewport, words["locale"])
    by = page.get_by_test_id
    page.goto(base_url + "/")
    sign_in(page, email)
    by("who").click()
    expect(by("account-email")).to_have_text(email)
    expect(by("account-verified")).to_have_text(words["not_yet"])
    expect(by("account-minutes")).to_have_text("120")
    expect(by("account-created")).not_to_be_empty()
    audit(page, shot(lang, viewport, "6-account"))

    check_toggle(page, "current-password")
    check_toggle(page, "new-password")
    by("current-password").fill("not my password")
    by("new-password").fill("a changed passphrase")
    by("password-submit").click()
    expect(by("password-status")).to_have_text(words["wrong"])
    expect(by("current-password")).to_have_attribute("aria-invalid", "true")
    by("current-password").fill(PASSWORD)
    by("password-submit").click()
    expect(by("password-status")).to_contain_text(words["changed"])
    assert post(base_url, "/api/auth/refresh", {"refresh_token": other["refresh_token"]}) == 401  # ended
    audit(page, shot(lang, viewport, "7-password-changed"))
    page.reload()
    expect(by("signout")).to_be_visible()  # this one goes on
    by("who").click()
    expect(by("account-email")).to_have_text(email)

    with page.expect_download() as download:
        by("export-button").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "call_id,phone_number,status,start_time,answer_time,end_time,duration,end_reason"
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["phone_number"] == "+493012345600" and row["status"] == "completed" and row["duration"] == "65"
    expect(by("export-status")).to_have_text(words["downloaded"])

    by("delete-password").fill(PASSWORD)  # the old one: refused
    by("delete-submit").click()
    expect(by("delete-status")).to_have_text(words["wrong"])
    by("delete-password").fill("a changed passphrase")
    audit(page, shot(lang, viewport, "8-delete"))
    by("delete-submit").click()
    expect(by("message")).to_have_text(words["deleted"])
    expect(by("signin-email")).to_be_visible()
    assert page.evaluate("localStorage.getItem('softphone.session')") is None
    assert db.run("SELECT count(*) FROM users WHERE email = :e", e=email) == [[0]]

    by("show-signup").click()  # the address is free again
    by("signup-email").fill(email)
    by("signup-password").fill(PASSWORD)
    by("signup-submit").click()
    expect(by("message")).to_contain_text(words["signed_up"])
    assert not page.errors
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_minutes_left_show_before_dialling_and_in_the_refusal(browser, base_url, db, lang, monkeypatch):
    from playwright.sync_api import expect

    from calls_platform import bootstrap

    monkeypatch.setenv("DAILY_CALL_MINUTES_PER_USER", "2")
    bootstrap.reset()
    words = WORDS[lang]
    email = register(base_url)
    page = new_page(browser, base_url, PHONE, words["locale"])
    by = page.get_by_test_id
    page.goto(base_url + "/")
    page.evaluate("localStorage.setItem('softphone.micChecked', '1')")
    sign_in(page, email)
    two = {"en": "2 minutes left today", "ru": "Сегодня осталось 2 минуты"}[lang]
    expect(by("minutes-left")).to_have_text(two)
    audit(page, shot(lang, PHONE, "9-minutes-left"))

    # Today's two minutes spent by a call that just ended (it began at least a second after midnight UTC).
    (user_id,) = db.run("SELECT user_id FROM users WHERE email = :e", e=email)[0]
    now = dt.datetime.now(dt.UTC)
    began = max(now - dt.timedelta(seconds=125), now.replace(hour=0, minute=0, second=1, microsecond=0))
    db.run(
        "INSERT INTO calls (call_id, user_id, phone_number, status, start_time, answer_time, end_time, duration,"
        " end_reason) VALUES (:id, :user, '+493012345600', 'completed', :start, :start, :end, 120, 'caller_hung_up')",
        id=uuid.uuid4(),
        user=user_id,
        start=began,
        end=began + dt.timedelta(seconds=120),
    )
    by("national-number").fill(words["number"])
    by("call-button").click()
    expect(by("message")).to_contain_text(words["no_minutes"])
    expect(by("message")).to_contain_text(words["retry"])  # when they renew, from Retry-After
    expect(by("minutes-left")).to_have_text(words["minutes"].format(n=0))
    expect(by("call-button")).to_be_visible()
    audit(page, shot(lang, PHONE, "10-minutes-spent"))
    assert not page.errors
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_sign_in_code_is_asked_for_after_many_failed_logins(browser, base_url, db, lang):
    from playwright.sync_api import expect

    words = WORDS[lang]
    email = register(base_url)
    db.run("UPDATE users SET failed_logins = 100 WHERE email = :e", e=email)
    page = new_page(browser, base_url, DESKTOP, words["locale"])
    by = page.get_by_test_id
    page.goto(base_url + "/")
    check_toggle(page, "signin-password")
    sign_in(page, email)
    expect(by("message")).to_contain_text(words["code_needed"])
    expect(by("signin-code")).to_be_focused()
    audit(page, shot(lang, DESKTOP, "11-sign-in-code"))
    message = last(email)
    assert message.subject == words["code_subject"]  # in the page's language
    by("signin-code").fill(code_in(message))
    by("signin-submit").click()
    expect(by("signout")).to_be_visible()
    expect(by("signin-code")).to_be_hidden()
    assert not page.errors
    page.context.close()
