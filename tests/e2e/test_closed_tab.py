"""A closed tab strands no call: the softphone in headless Chromium places a call, the tab is closed mid-call,
and the sweep ends the call as `page_gone`, billed to the page's last poll (docs/live-calls.md). A new tab
then shows it in history, in words. English at desktop width, Russian at phone width; screenshots kept in
test-artifacts/closed-tab/."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from infra.stack import SESSIONS_TABLE
from tests.e2e.test_softphone import DESKTOP, LANGS, PHONE, new_page, post
from tests.e2e.test_softphone import sign_in as fill_sign_in
from tests.support.browser import launched
from tests.support.paths import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "closed-tab"
CLOSED = {"en": "the page was closed", "ru": "страница была закрыта"}


@pytest.fixture(scope="module")
def browser():
    with launched() as instance:
        yield instance


def sign_in(page, base_url: str, email: str) -> None:
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    fill_sign_in(page, email)
    expect(page.get_by_test_id("signout")).to_be_visible()


@pytest.mark.parametrize(("lang", "viewport"), [("en", DESKTOP), ("ru", PHONE)], ids=["en-desktop", "ru-phone"])
def test_a_closed_tabs_call_is_ended_by_its_heartbeat_with_the_right_billed_seconds(
    browser, base_url, db, dynamodb, monkeypatch, lang, viewport
):
    from playwright.sync_api import expect

    from calls_platform import bootstrap
    from functions.sweep.app import handler as sweep

    # No media peer, as deployed: with the local one the closed tab's media ends the call at once
    # (connection_lost, tests/e2e/test_call_screen.py), and only the heartbeat is left to test here.
    monkeypatch.delenv("MEDIA_PEER_URL")  # before the gateway's first request: its workers read it then
    words = LANGS[lang]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    email = f"closed-{lang}-{uuid.uuid4().hex[:6]}@example.com"
    assert post(base_url, "/api/auth/register", {"email": email, "password": "password123"}) == 201
    page = new_page(browser, base_url, viewport, words["locale"])
    by = page.get_by_test_id
    sign_in(page, base_url, email)
    by("mic-check").click()
    page.click("#mic-start")
    page.wait_for_function("document.getElementById('mic-level').value > 0")
    page.click("#mic-close")
    by("country").fill(words["country"])
    by("country").press("Tab")
    by("national-number").press_sequentially(words["number"])
    by("call-button").click()
    expect(by("call-status")).to_have_text(words["talking"], timeout=10000)  # ~2 s of ringing, as in test_softphone
    expect(by("call-timer")).to_have_text("0:03", timeout=6000)
    page.screenshot(path=str(ARTIFACTS / f"{lang}-1-talking.png"))
    page.context.close()  # the tab goes away mid-call: no hang-up, its polls stop

    [[call_id, session_id, status]] = db.run("SELECT call_id::text, session_id, status FROM calls")
    assert status == "active"  # nothing ended it: only the page knew it was closed
    item = dynamodb.get_item(TableName=SESSIONS_TABLE, Key={"session_id": {"S": session_id}}, ConsistentRead=True)
    last_poll = datetime.fromtimestamp(float(item["Item"]["last_seen"]["N"]), UTC)
    monkeypatch.setenv("CALL_HEARTBEAT_GRACE_SECONDS", "2")  # the deployment's is 30 s; the rule is the same
    bootstrap.reset()
    time.sleep(2.5)
    assert sweep({}, None) == {"closed": [call_id]}
    [[status, reason, duration, answered, ended]] = db.run(
        "SELECT status, end_reason, duration, answer_time, end_time FROM calls WHERE call_id = :c", c=call_id
    )
    assert (status, reason) == ("completed", "page_gone")
    assert (
        abs((ended - last_poll).total_seconds()) < 0.01
    )  # billed to the last poll, not to when the sweep noticed (2.5 s later)
    assert duration == int((last_poll - answered).total_seconds()) >= 1

    page = new_page(browser, base_url, viewport, words["locale"])
    sign_in(page, base_url, email)
    row = page.get_by_test_id("history").locator("li").first
    expect(row).to_contain_text(CLOSED[lang])
    expect(row).to_contain_text(f"0:0{duration}" if duration < 10 else f"0:{duration}")
    page.screenshot(path=str(ARTIFACTS / f"{lang}-2-history-after.png"), full_page=True)
    expect(page.get_by_test_id("call-button")).to_be_visible()  # a new call may start: nothing stranded
    assert not page.errors
    page.context.close()
