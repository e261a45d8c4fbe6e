"""Mock mode's audio, heard on the real page in Chromium: the fake microphone plays a WAV file this test writes
(440 Hz in bursts), and WebAudio analysis of the page's remote audio hears the media peer's ringback, the
caller's own bursts echoed, silence while muted, and the peer's beep answering a keypad digit. Each scripted
callee (docs/mock-media.md) ends with its own words in the status line and in history. Screenshots are kept
in test-artifacts/softphone-media/.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.test_softphone import DESKTOP, post, sign_in
from tests.support.browser import CHROMIUM_ARGS, launched
from tests.support.paths import ROOT
from tests.support.tones import burst_pcm, write_wav

ARTIFACTS = ROOT / "test-artifacts" / "softphone-media"
LOUD_DB = -60.0  # the analyser's level (dBFS) of a tone that is there; silence reads below -100

# Listens to the page's remote audio for `ms` and returns the level of `hz` every 50 ms (the Firefox journey
# evaluates the same file).
LISTEN = (ROOT / "tests" / "support" / "listen.js").read_text().strip().removesuffix(";")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    wav = write_wav(tmp_path_factory.mktemp("mic") / "bursts.wav", burst_pcm(0.4, 0.6, 30.0))
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={wav}"]  # autoplay as a person's browser has it
    with launched(args) as instance:
        yield instance


def signed_in(browser, base_url):
    email = f"media-{uuid.uuid4().hex[:8]}@example.com"
    assert post(base_url, "/api/auth/register", {"email": email, "password": "password123"}) == 201
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.grant_permissions(["microphone"], origin=base_url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.add_init_script("localStorage.setItem('softphone.micChecked', '1')")
    page.goto(base_url + "/")
    sign_in(page, email)
    expect(page.get_by_test_id("signout")).to_be_visible()
    return page


def call(page, national: str) -> None:
    page.get_by_test_id("national-number").fill(national)
    page.get_by_test_id("call-button").click()


def listen(page, hz: float, ms: int) -> list[float]:
    return page.evaluate(LISTEN, [hz, ms])


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_caller_hears_ringback_then_their_own_voice_and_silence_while_muted(browser, base_url, db):
    page = signed_in(browser, base_url)
    by = page.get_by_test_id
    call(page, "(415) 555-0199")  # any number but the scripted ones answers and echoes
    expect(by("call-status")).to_have_text("Ringing…")
    ringback = listen(page, 480, 1200)  # 440 + 480 Hz, 1 s on: the bursts' 440 Hz cannot fake it
    assert max(ringback) > LOUD_DB, ringback
    shot(page, "1-ringing")
    expect(by("call-status")).to_have_text("Talking", timeout=10000)
    page.wait_for_timeout(1500)  # the greeting
    echo = listen(page, 440, 3000)
    loud = [level for level in echo if level > LOUD_DB]
    assert len(loud) >= 10, echo  # the bursts come back...
    assert len(loud) <= len(echo) - 10, echo  # ...as bursts: 0.4 s on, 0.6 s off
    # The page plays it (the Call click allows autoplay), not only the analyser hears it.
    assert page.evaluate("() => !document.querySelector('[data-testid=remote-audio]').paused")
    shot(page, "2-talking")
    by("mute-button").click()
    page.wait_for_timeout(800)  # what was already on its way
    muted = listen(page, 440, 2000)
    assert max(muted) < LOUD_DB, muted
    by("mute-button").click()
    page.wait_for_timeout(500)
    by("dtmf-5").click()  # RFC 4733: the media peer hears the digit and answers with a 1400 Hz beep
    beep = listen(page, 1400, 1000)
    assert max(beep) > LOUD_DB, beep
    expect(by("dtmf-5")).to_be_enabled()
    expect(by("call-note")).not_to_have_text("This connection cannot send keypad tones.")
    by("hangup-button").click()
    expect(by("call-status")).to_have_text("Call ended: you hung up")
    expect(by("history").locator("li").first).to_contain_text("you hung up")
    stored = db.run("SELECT status, end_reason, duration FROM calls")
    assert stored[0][0] == "completed" and stored[0][1] == "caller_hung_up" and stored[0][2] >= 4
    shot(page, "3-ended")
    assert not page.errors
    page.context.close()


# The scripted callees of docs/mock-media.md: (national number, what the page says, status, least/most seconds)
SCRIPTED = [
    ("(202) 555-0101", "the line was busy", "busy", 0, 0),
    ("(202) 555-0104", "the call could not be connected", "failed", 0, 0),
    ("(202) 555-0102", "nobody answered", "no-answer", 0, 0),
    ("(202) 555-0103", "the other person hung up", "completed", 3, 5),
    ("(202) 555-0105", "the connection was lost", "completed", 3, 5),
]


def test_each_scripted_callee_ends_with_its_own_words_on_the_page_and_in_history(browser, base_url, db):
    page = signed_in(browser, base_url)
    by = page.get_by_test_id
    for i, (national, words, status, least, most) in enumerate(SCRIPTED):
        call(page, national)
        expect(by("call-status")).to_have_text(f"Call ended: {words}", timeout=15000)
        expect(by("history").locator("li").first).to_contain_text(words)
        shot(page, f"scripted-{i + 1}-{status}")
        number = "+1" + "".join(c for c in national if c.isdigit())
        ((got, duration),) = db.run("SELECT status, duration FROM calls WHERE phone_number = :n", n=number)
        assert got == status and least <= duration <= most, (national, got, duration)
    reasons = [row[0] for row in db.run("SELECT end_reason FROM calls ORDER BY start_time")]
    assert reasons == ["busy", "failed", "no_answer", "callee_hung_up", "connection_lost"]
    assert not page.errors
    page.context.close()


# The browser's connection fails `ms` after it is made (as Firefox's ICE does when nobody answers it).
FAIL_AFTER = """(ms) => {
  const Real = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Real {
    constructor(...args) {
      super(...args);
      setTimeout(() => {
        Object.defineProperty(this, "connectionState", { value: "failed" });
        this.dispatchEvent(new Event("connectionstatechange"));
      }, ms);
    }
  };
}"""


def test_a_connection_the_browser_loses_mid_call_is_lost_in_history_not_hung_up(browser, base_url, db):
    page = signed_in(browser, base_url)
    by = page.get_by_test_id
    page.evaluate(FAIL_AFTER, 4000)  # after the callee answered (2 s of ringing)
    call(page, "(415) 555-0199")
    expect(by("call-status")).to_have_text("Talking", timeout=10000)
    expect(by("call-status")).to_have_text("Call ended: the connection was lost", timeout=10000)
    expect(by("history").locator("li").first).to_contain_text("the connection was lost")
    [(status, reason)] = db.run("SELECT status, end_reason FROM calls")
    assert (status, reason) == ("completed", "connection_lost")  # the page said why on terminate
    shot(page, "lost-by-the-browser")
    assert not page.errors
    page.context.close()


def test_without_a_media_peer_ice_that_cannot_complete_ends_nothing(browser, base_url, db, monkeypatch):
    """Mock mode deployed: the offer has no peer behind it, config.json says media is not real, and a browser
    whose ICE gives up (Firefox does after ~6 s; here it is made to at once) keeps the call."""
    monkeypatch.delenv("MEDIA_PEER_URL")  # before the gateway's first request: its workers read it then
    page = signed_in(browser, base_url)
    assert page.evaluate("async () => (await (await fetch('config.json')).json()).realMedia") is False
    page.evaluate(FAIL_AFTER, 500)
    call(page, "(415) 555-0199")
    expect(page.get_by_test_id("call-status")).to_have_text("Talking")  # the answer connects a mock call
    page.wait_for_timeout(2000)
    expect(page.get_by_test_id("call-status")).to_have_text("Talking")
    by = page.get_by_test_id
    box = by("hangup-button").bounding_box()
    by("dtmf-1").click()
    # Said in the call screen's own line, whose room is kept: the keys stay (disabled), Hang up does not move.
    expect(by("call-note")).to_have_text("This connection cannot send keypad tones.")
    expect(by("dtmf-1")).to_be_disabled()
    assert by("hangup-button").bounding_box() == box
    by("hangup-button").click()
    expect(by("call-status")).to_have_text("Call ended: you hung up")
    assert not page.errors
    page.context.close()
