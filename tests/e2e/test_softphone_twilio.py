"""The softphone's Twilio mode in headless Chromium, with the real Voice SDK build the platform serves.

The server side is the real stack in Twilio mode against the fake Twilio (tests/twilio/conftest.py): the page's
`/config.json`, its Content-Security-Policy, the voice token (a real Twilio access token signed with the API key)
and initiate/terminate are the ones a user gets (the SDK's insights posts pass the real CSP; the signaling
socket's origin is checked against it separately, as Playwright's WebSocket routing is invisible to CSP).
Only Twilio's own edge is faked, at the browser's network boundary:
- the SDK's signaling WebSocket (wss://voice-js.<edge>.twilio.com/signal) is answered by `FakeSignaling`
  through Playwright's `route_web_socket`, speaking the SDK's JSON messages (`{type, version, payload}`, see
  lib/twilio/pstream.ts): it answers `listen` with `connected`, `register` with `ready`, delivers `invite`s
  and `hangup`s, and records what the page publishes (`answer`, `reject`, `dtmf`, `hangup`, `listen`);
- the SDK's insights posts (https://eventgw[.<home>].twilio.com) are answered by `page.route`; any other
  request leaving the machine is refused and fails the test;
- Twilio's media server is a second RTCPeerConnection in the same browser: its offer goes in the `invite`
  and the page's `answer` is fed back to it, so ICE and DTLS really connect over this machine's address and
  the SDK's call opens as with Twilio. Its offer leaves out `telephone-event`, so the SDK sends DTMF over
  signaling (its documented fallback) where the test can read the digits; with Twilio the same `sendDigits`
  goes in-band.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest

from tests.support.browser import CHROMIUM_ARGS as BROWSER_ARGS
from tests.support.browser import launched
from tests.support.paths import ARTIFACTS
from tests.twilio.conftest import fake_twilio, twilio_mode  # noqa: F401  (fixtures: Twilio mode, fake Twilio)

COUNTRY, NUMBER = "+49", "1512 3456789"  # picked by dialling code, typed without it
SIGNALING = re.compile(r"^wss://voice-js\.[a-z-]+\.twilio\.com/signal$")
EVENT_GATEWAY = re.compile(r"^https://eventgw(\.[a-z0-9-]+)?\.twilio\.com/")
CHROMIUM_ARGS = [
    *BROWSER_ARGS,
    # The stand-in media server is in this browser: plain host candidates, so its ICE meets the SDK's.
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]

# A media server's offer made by Chromium itself; telephone-event is left out (see the module docstring).
MEDIA_SERVER_JS = """async () => {
  const pc = new RTCPeerConnection();
  window.mediaServer = pc;
  pc.addTransceiver("audio", { direction: "sendrecv", streams: [new MediaStream()] });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== "complete") {
    await new Promise((done) => pc.addEventListener("icegatheringstatechange",
      () => pc.iceGatheringState === "complete" && done()));
  }
  const events = new Set([...pc.localDescription.sdp.matchAll(/a=rtpmap:(\\d+) telephone-event/g)].map((m) => m[1]));
  return pc.localDescription.sdp.split("\\r\\n")
    .filter((line) => ![...events].some((pt) => line.startsWith(`a=rtpmap:${pt} `) || line.startsWith(`a=fmtp:${pt} `)))
    .map((line) => line.startsWith("m=audio") ? line.split(" ").filter((part) => !events.has(part)).join(" ") : line)
    .join("\\r\\n");
}"""


@pytest.fixture
def browser():
    with launched(CHROMIUM_ARGS) as instance:
        yield instance


# Without the fake capture device this machine has no microphone; without the fake permission prompt a
# headless Chromium refuses the microphone, as a person clicking "Block" does.
WITHOUT_MIC = {
    "mic_missing": [a for a in CHROMIUM_ARGS if a != "--use-fake-device-for-media-stream"],
    "mic_denied": [a for a in CHROMIUM_ARGS if a != "--use-fake-ui-for-media-stream"],
}


class FakeSignaling:
    """Twilio's signaling gateway as the SDK sees it (lib/twilio/pstream.ts), on a routed WebSocket."""

    def __init__(self, token_ttl: int = 3600) -> None:
        self.token_ttl = token_ttl
        self.published: list[dict] = []
        self.urls: list[str] = []
        self.socket = None

    def handle(self, socket) -> None:
        self.socket = socket
        self.urls.append(socket.url)
        socket.on_message(self._received)

    def _received(self, message: str | bytes) -> None:
        published = json.loads(message)
        self.published.append(published)
        if published["type"] == "listen":
            identity = jwt_payload(published["payload"]["token"])["grants"]["identity"]
            token = {"identity": identity, "ttl": self.token_ttl}
            self.send("connected", {"region": "us1", "edge": "ashburn", "home": "us1", "token": token})
        elif published["type"] == "register":
            self.send("ready", {})

    def send(self, message_type: str, payload: dict) -> None:
        self.socket.send(json.dumps({"type": message_type, "version": "1.6", "payload": payload}))

    def invite(self, call_sid: str, call_id: str, sdp: str) -> None:
        """A leg to `client:<identity>` with the platform's call id as its custom parameter."""
        params = f"call_id={call_id}"
        self.send("invite", {"callsid": call_sid, "sdp": sdp, "parameters": {"CallSid": call_sid, "Params": params}})

    def of_type(self, message_type: str) -> list[dict]:
        return [m["payload"] for m in self.published if m["type"] == message_type]


def jwt_payload(token: str) -> dict:
    import base64

    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def phone_leg_completed(base_url: str, secret: dict, parent_sid: str):
    """Twilio's status callback for the phone's leg (the browser leg's <Dial> child), sent to the URL the call
    was given (it names the call) and signed over it, as Twilio does."""
    import requests

    from tests.twilio.conftest import PUBLIC_BASE_URL, callback_url, signed

    params = {"CallSid": "CA" + "7" * 32, "ParentCallSid": parent_sid, "CallStatus": "completed", "CallDuration": "3"}
    url = callback_url(parent_sid)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(params, secret["voip_auth_token"], url)}
    return requests.post(base_url + url.removeprefix(PUBLIC_BASE_URL), data=params, headers=headers, timeout=10)


def call_sid() -> str:
    return "CA" + uuid.uuid4().hex


class Harness:
    """The page, its faked Twilio edge, and the stand-in media server, with what each saw."""

    def __init__(self, browser, base_url: str, signaling: FakeSignaling) -> None:
        self.page = browser.new_page(viewport={"width": 900, "height": 1000})
        self.signaling = signaling
        self.console_errors: list[str] = []
        self.insights: list[str] = []
        self.escaped: list[str] = []
        self.api_calls: list[str] = []
        self.media = browser.new_page(bypass_csp=True)  # the helper page polls with string predicates (eval)
        self.media.goto(base_url + "/config.json")  # a secure context, where getUserMedia exists
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("request", lambda request: "/api/" in request.url and self.api_calls.append(request.url))
        self.page.route("**/*", lambda route: self._only_local(route, base_url))
        self.page.route(EVENT_GATEWAY, self._insights)
        self.page.route_web_socket(SIGNALING, signaling.handle)
        # The first call's microphone check is test_softphone.py's subject; here the person has done it.
        self.page.add_init_script("localStorage.setItem('softphone.micChecked', '1')")

    def _only_local(self, route, base_url: str) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            self.escaped.append(route.request.url)
            route.abort()

    def _insights(self, route) -> None:
        self.insights.append(route.request.post_data or "")
        route.fulfill(status=200, content_type="application/json", body="{}")

    def open_call(self, base_url: str, user: dict) -> tuple[str, dict]:
        """Signed in, dialled, and our leg invited after the page read initiate's answer, accepted, its media
        up: (our leg's CallSid, the call)."""
        self.sign_in(base_url, user)
        offer = self.media_offer()
        ours = call_sid()
        call = self.dial_with_legs(lambda call_id: None)
        self.signaling.invite(ours, call["call_id"], offer)
        [answer] = self.wait(lambda: self.signaling.of_type("answer"), "the page to accept its leg")
        self.media_answer(answer["sdp"])
        return ours, call

    def sign_in(self, base_url: str, user: dict) -> None:
        self.submit_sign_in(base_url, user)
        self.wait(lambda: self.signaling.of_type("register"), "the Device registering")

    def sign_in_with_stub_device(self, base_url: str, user: dict) -> None:
        """Signed in with `STUB_DEVICE_JS` standing in for the SDK's Device."""
        self.page.add_init_script(STUB_DEVICE_JS)
        self.submit_sign_in(base_url, user)
        self.wait(lambda: self.page.evaluate("!!window.stubDevice?.handlers.incoming"), "the stub Device")

    def submit_sign_in(self, base_url: str, user: dict) -> None:
        self.page.goto(base_url + "/")
        self.page.get_by_test_id("signin-email").fill(user["email"])
        self.page.get_by_test_id("signin-password").fill(user["password"])
        self.page.get_by_test_id("signin-submit").click()

    def media_offer(self) -> str:
        return self.media.evaluate(MEDIA_SERVER_JS)

    def media_answer(self, sdp: str) -> None:
        self.media.evaluate("sdp => window.mediaServer.setRemoteDescription({ type: 'answer', sdp })", sdp)
        self.media.wait_for_function("window.mediaServer.connectionState === 'connected'", timeout=15000)

    def wait(self, condition, what: str, timeout_ms: int = 10000):
        for _ in range(timeout_ms // 50):
            if result := condition():
                return result
            self.page.wait_for_timeout(50)
        raise AssertionError(f"timed out waiting for {what}; published: {self.signaling.published}")

    def dial_with_legs(self, legs) -> dict:
        """Dials; `legs(call_id)` runs when the API has answered initiate but before the page has read it."""
        created = {}

        def hold_initiate(route) -> None:
            response = route.fetch()
            created.update(response.json())
            legs(created["call_id"])
            route.fulfill(response=response)

        self.page.route("**/api/calls/initiate", hold_initiate)
        self.page.get_by_test_id("country").fill(COUNTRY)
        self.page.get_by_test_id("country").press("Tab")
        self.page.get_by_test_id("national-number").fill(NUMBER)
        self.page.get_by_test_id("call-button").click()
        self.wait(lambda: created, "initiate")
        return created


def test_page_sends_only_local_requests_and_loads_the_sdk_only_in_twilio_mode(browser, base_url, user):
    """Mock mode: the SDK is never fetched and the CSP names no Twilio origin."""
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(base_url + "/")
    page.get_by_test_id("signin-email").fill(user["email"])
    page.get_by_test_id("signin-password").fill(user["password"])
    page.get_by_test_id("signin-submit").click()
    page.get_by_test_id("signout").wait_for()
    assert "twilio" not in response.headers["content-security-policy"]
    assert not [url for url in requests if "twilio" in url]
    assert page.evaluate("typeof window.Twilio") == "undefined"


def test_twilio_call_from_the_page(browser, base_url, twilio_mode, fake_twilio, user, db):  # noqa: F811
    from playwright.sync_api import expect

    signaling = FakeSignaling()
    harness = Harness(browser, base_url, signaling)
    page = harness.page
    harness.sign_in(base_url, user)
    [listen] = signaling.of_type("listen")
    assert jwt_payload(listen["token"])["grants"]["identity"].startswith("user_")
    assert signaling.of_type("register") == [{"media": {"audio": True}}]
    assert page.evaluate("Twilio.Device.version") == "2.18.5"  # the real SDK build, from the platform

    offer = harness.media_offer()
    other_before, ours, other_after = call_sid(), call_sid(), call_sid()

    def legs(call_id: str) -> None:
        # Both legs reach the browser before the page has read initiate's answer (Twilio can be that fast).
        signaling.invite(other_before, str(uuid.uuid4()), offer)
        signaling.invite(ours, call_id, offer)

    call = harness.dial_with_legs(legs)
    [answer] = harness.wait(lambda: signaling.of_type("answer"), "the page to accept its leg")
    assert answer["callsid"] == ours and answer["sdp"].startswith("v=0")
    assert {"callsid": other_before} in signaling.of_type("reject")
    harness.media_answer(answer["sdp"])  # ICE + DTLS connect: the SDK's call is open

    signaling.invite(other_after, str(uuid.uuid4()), offer)  # a second call while this one is live
    harness.wait(lambda: {"callsid": other_after} in signaling.of_type("reject"), "the other leg's reject")
    assert [a["callsid"] for a in signaling.of_type("answer")] == [ours]
    expect(page.get_by_test_id("message")).to_be_empty()  # refusing a stray leg is not the person's problem

    expect(page.get_by_test_id("call-status")).to_have_text(re.compile("Ringing…|Talking"))  # the leg is up
    for key in ("1", "star", "0", "hash"):
        page.get_by_test_id(f"dtmf-{key}").click()
    digits = harness.wait(lambda: len(signaling.of_type("dtmf")) == 4 and signaling.of_type("dtmf"), "the digits")
    assert digits == [{"callsid": ours, "dtmf": d} for d in ("1", "*", "0", "#")]
    expect(page.get_by_test_id("dtmf-5")).to_be_enabled()  # Twilio's call sends tones: the keypad stays

    mute = page.get_by_test_id("mute-button")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    harness.wait(lambda: any('"muted"' in body for body in harness.insights), "the SDK to report the mute")
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (1280, 800)):  # a phone and a laptop, muted
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"softphone-twilio-in-call-{width}.png"), full_page=True)
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "false")
    page.get_by_test_id("hangup-button").click()
    harness.wait(lambda: signaling.of_type("hangup"), "the page's hangup")
    assert signaling.of_type("hangup") == [{"callsid": ours}]
    expect(page.get_by_test_id("call-status")).to_have_text("Call ended: you hung up")
    [(status,)] = db.run("SELECT status FROM calls WHERE call_id = :c", c=uuid.UUID(call["call_id"]))
    assert status == "completed"

    assert all(SIGNALING.match(url) for url in signaling.urls)
    assert harness.insights, "the SDK's insights went to the routed event gateway"
    assert not harness.escaped
    assert not harness.console_errors


def test_remote_hang_up_ends_the_call_on_the_page(browser, base_url, twilio_mode, fake_twilio, user, db):  # noqa: F811
    from playwright.sync_api import expect

    signaling = FakeSignaling()
    harness = Harness(browser, base_url, signaling)
    page = harness.page
    ours, call = harness.open_call(base_url, user)

    # The callee hangs up: Twilio ends the browser leg and, a moment later, reports the phone's leg completed.
    signaling.send("hangup", {"callsid": ours})
    page.wait_for_timeout(300)
    [parent] = fake_twilio.calls
    assert phone_leg_completed(base_url, twilio_mode, parent).status_code == 200
    expect(page.get_by_test_id("call-status")).to_have_text("Call ended: the other person hung up")
    expect(page.get_by_test_id("hangup-button")).to_be_hidden()
    [(status,)] = db.run("SELECT status FROM calls WHERE call_id = :c", c=uuid.UUID(call["call_id"]))
    assert status == "completed"
    assert not signaling.of_type("hangup")  # the page does not hang up a leg Twilio already ended
    row = page.get_by_test_id("history").locator("li")
    expect(row).to_contain_text("the other person hung up")  # the server's reason: no terminate raced it
    assert not [r for r in harness.api_calls if r.endswith("/api/calls/terminate")]
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # 900 px: nothing sticks out
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "softphone-twilio-remote-hangup.png"), full_page=True)
    assert not harness.escaped
    assert not harness.console_errors


def test_failed_connection_ends_the_call_and_says_why(browser, base_url, twilio_mode, fake_twilio, user, db):  # noqa: F811
    from playwright.sync_api import expect

    signaling = FakeSignaling()
    harness = Harness(browser, base_url, signaling)
    page = harness.page
    ours, call = harness.open_call(base_url, user)
    held = []

    def terminate_unanswered(route) -> None:
        # The server ends the call, but its answer does not reach the page (yet): the page's own poll sees
        # the call completed, by this very terminate, while the page still waits for terminate's answer.
        held.append((route, route.fetch()))

    page.route("**/api/calls/terminate", terminate_unanswered)

    # Twilio ends a leg whose media or signaling broke with a hangup that carries the error.
    signaling.send("hangup", {"callsid": ours, "error": {"code": 31005, "message": "connection lost"}})
    expect(page.get_by_test_id("message")).to_have_text("The call's connection failed. The call was ended.")
    expect(page.get_by_test_id("call-status")).to_have_text("Call ended: the connection was lost")
    assert len(held) == 1  # ended by the poll, while terminate's answer is still held
    [(status,)] = db.run("SELECT status FROM calls WHERE call_id = :c", c=uuid.UUID(call["call_id"]))
    assert status == "completed"
    route, response = held[0]
    route.fulfill(response=response)


def test_token_is_renewed_before_it_expires(browser, base_url, twilio_mode, fake_twilio, user):  # noqa: F811
    """The SDK says `tokenWillExpire` 10 s before the TTL Twilio announced; the page fetches a new token."""
    signaling = FakeSignaling(token_ttl=11)
    harness = Harness(browser, base_url, signaling)
    harness.sign_in(base_url, user)
    harness.wait(lambda: len(signaling.of_type("listen")) == 2, "the renewed token", timeout_ms=15000)
    first, renewed = (m["token"] for m in signaling.of_type("listen"))
    assert renewed != first
    assert jwt_payload(renewed)["grants"]["identity"] == jwt_payload(first)["grants"]["identity"]
    assert not harness.console_errors

    # Twilio refusing an expired token (31205) also gets a fresh one, not an error for the person.
    harness.page.wait_for_timeout(1100)  # a new second: a new token
    signaling.send("error", {"error": {"code": 31205, "message": "JWT token expired"}})
    harness.wait(lambda: len(signaling.of_type("listen")) == 3, "a token after the refusal")
    assert signaling.of_type("listen")[2]["token"] not in (first, renewed)
    assert harness.page.get_by_test_id("message").text_content() == ""


def test_sdk_that_does_not_load_is_said_in_words(browser, base_url, twilio_mode, user):  # noqa: F811
    from playwright.sync_api import expect

    harness = Harness(browser, base_url, FakeSignaling())
    harness.page.route("**/vendor/twilio.min.js", lambda route: route.fulfill(status=404, body=""))
    harness.submit_sign_in(base_url, user)
    expect(harness.page.get_by_test_id("message")).to_have_text(
        "Calling could not start in this browser. Reload the page and try again."
    )


# Call-quality warnings come from the SDK's own statistics (round-trip time, packet loss, MOS over several
# seconds of real media): a test cannot make the real SDK raise them on demand, so a stub Device stands in.
STUB_DEVICE_JS = """
class Emitter {
  constructor() { this.handlers = {}; }
  on(name, handler) { (this.handlers[name] ||= []).push(handler); return this; }
  emit(name, ...args) { (this.handlers[name] || []).forEach((handler) => handler(...args)); }
}
class StubCall extends Emitter {
  constructor(callId) { super(); this.customParameters = new Map([["call_id", callId]]); this.log = []; }
  accept() { this.log.push("accept"); this.state = "open"; setTimeout(() => this.emit("accept", this), 0); }
  reject() { this.log.push("reject"); }
  mute(value) { this.log.push(`mute:${value}`); }
  status() { return this.state || "pending"; }
  sendDigits(digits) { this.log.push(`digits:${digits}`); }
  disconnect() { this.log.push("disconnect"); this.emit("disconnect", this); }
}
class StubDevice extends Emitter {
  constructor(token, options) { super(); window.stubDevice = this; this.token = token; this.options = options; }
  get audio() { return { incoming: () => false }; }
  register() { return Promise.resolve(); }
  ring(callId) { const call = new StubCall(callId); window.stubCall = call; this.emit("incoming", call); }
  updateToken(token) { this.token = token; }
  destroy() { window.stubDestroyed = (window.stubDestroyed || 0) + 1; }
}
window.Twilio = { Device: StubDevice };
"""


def test_call_quality_warnings_are_said_in_words(browser, base_url, twilio_mode, fake_twilio, user, db):  # noqa: F811
    from playwright.sync_api import expect

    harness = Harness(browser, base_url, FakeSignaling())
    page = harness.page
    harness.sign_in_with_stub_device(base_url, user)
    sounds = page.evaluate("window.stubDevice.options.sounds")
    assert all(url.startswith(base_url + "/sounds/") for url in sounds.values()) and len(sounds) == 15
    call = harness.dial_with_legs(lambda call_id: None)
    page.evaluate("callId => window.stubDevice.ring(callId)", call["call_id"])
    harness.wait(lambda: page.evaluate("window.stubCall?.state === 'open'"), "the stub call to open")
    page.evaluate("window.stubCall.emit('warning', 'high-rtt')")
    # In the call screen's notice line (its room kept), not the page's message above the card.
    expect(page.get_by_test_id("call-note")).to_have_text(
        "The connection is unstable: the other person may hear you badly."
    )
    page.get_by_test_id("hangup-button").click()
    expect(page.get_by_test_id("call-status")).to_have_text("Call ended: you hung up")
    assert page.evaluate("window.stubCall.log") == ["accept", "mute:false", "disconnect"]


def test_each_call_starts_unmuted_and_sign_out_hangs_up(browser, base_url, twilio_mode, fake_twilio, user, db):  # noqa: F811
    """A call muted to its end does not make the next one start muted; signing out mid-call ends it."""
    from playwright.sync_api import expect

    harness = Harness(browser, base_url, FakeSignaling())
    page = harness.page
    harness.sign_in_with_stub_device(base_url, user)

    first = harness.dial_with_legs(lambda call_id: None)
    page.evaluate("callId => window.stubDevice.ring(callId)", first["call_id"])
    harness.wait(lambda: page.evaluate("window.stubCall?.state === 'open'"), "the first call to open")
    page.get_by_test_id("mute-button").click()
    page.get_by_test_id("hangup-button").click()
    expect(page.get_by_test_id("call-status")).to_have_text("Call ended: you hung up")

    page.unroute("**/api/calls/initiate")
    second = harness.dial_with_legs(lambda call_id: None)
    page.evaluate("callId => window.stubDevice.ring(callId)", second["call_id"])
    harness.wait(lambda: page.evaluate("window.stubCall?.state === 'open'"), "the second call to open")
    assert page.evaluate("window.stubCall.log") == ["accept", "mute:false"]
    expect(page.get_by_test_id("mute-button")).to_have_attribute("aria-pressed", "false")

    page.get_by_test_id("signout").click()
    expect(page.get_by_test_id("signin-submit")).to_be_visible()
    assert page.evaluate("window.stubCall.log") == ["accept", "mute:false", "disconnect"]
    assert page.evaluate("window.stubDestroyed") == 1  # stop(): the Device is gone with the session
    [(status,)] = db.run("SELECT status FROM calls WHERE call_id = :c", c=uuid.UUID(second["call_id"]))
    assert status == "completed"  # ended on the server, not only in the browser


def test_reload_that_keeps_the_session_registers_again(browser, base_url, twilio_mode, fake_twilio, user):  # noqa: F811
    signaling = FakeSignaling()
    harness = Harness(browser, base_url, signaling)
    harness.sign_in(base_url, user)
    harness.page.reload()
    harness.page.get_by_test_id("signout").wait_for()  # still signed in
    harness.wait(lambda: len(signaling.of_type("register")) == 2, "the Device registering after the reload")
    assert not harness.console_errors


@pytest.mark.parametrize("code", sorted(WITHOUT_MIC))
def test_no_microphone_ends_the_call_and_says_why(code, base_url, twilio_mode, fake_twilio, user, db):  # noqa: F811
    from playwright.sync_api import expect

    expected = {
        "mic_missing": ("No microphone was found. Plug one in and try again.", "no microphone was found"),
        "mic_denied": (
            "The browser blocked the microphone. Allow it for this site and reload the page.",
            "the microphone was blocked",
        ),
    }
    with launched(WITHOUT_MIC[code]) as browser:
        signaling = FakeSignaling()
        harness = Harness(browser, base_url, signaling)
        page = harness.page
        harness.sign_in(base_url, user)
        offer = harness.media_offer()
        ours = call_sid()
        call = harness.dial_with_legs(lambda call_id: None)
        signaling.invite(ours, call["call_id"], offer)
        message, reason = expected[code]
        expect(page.get_by_test_id("message")).to_have_text(message)
        expect(page.get_by_test_id("call-status")).to_have_text(f"Call ended: {reason}")
        assert not signaling.of_type("answer")
        # the SDK tells Twilio the leg is over (its message may trail the page's words)
        harness.wait(lambda: signaling.of_type("hangup") == [{"callsid": ours}], "the SDK's hangup")
        [(status,)] = db.run("SELECT status FROM calls WHERE call_id = :c", c=uuid.UUID(call["call_id"]))
        assert status == "completed"


# Playwright answers routed WebSockets by replacing the page's WebSocket class, which CSP does not see; so
# the policy itself is checked here on unrouted requests, with every host resolved to a closed local port.
CSP_PROBE_JS = """async (urls) => {
  const blocked = [];
  document.addEventListener("securitypolicyviolation", (event) => blocked.push(event.blockedURI));
  for (const url of urls) {
    try {
      if (url.startsWith("wss:")) new WebSocket(url).onerror = () => {};
      else await fetch(url, { method: "POST", body: "{}" }).catch(() => {});
    } catch (error) {
      blocked.push(url);
    }
  }
  await new Promise((done) => setTimeout(done, 500));
  return [...new Set(blocked)];
}"""
SDK_URLS = [
    "wss://voice-js.roaming.twilio.com/signal",
    "wss://voice-js.ashburn.twilio.com/signal",
    "https://eventgw.twilio.com/v4/EndpointEvents",
    "https://eventgw.us1.twilio.com/v4/EndpointEvents",
]
NOT_SDK_URLS = [
    "wss://evil.example.com/signal",
    "https://sdk.twilio.com/js/client/sounds/releases/1.0.0/incoming.mp3",  # the SDK's CDN: never needed
]


@pytest.mark.parametrize("provider", ["twilio", "mock"])
def test_the_page_policy_lets_the_sdk_reach_only_its_origins(provider, base_url, monkeypatch):
    monkeypatch.setenv("VOIP_PROVIDER", provider)
    with launched([*CHROMIUM_ARGS, "--host-resolver-rules=MAP * 127.0.0.1:9, EXCLUDE 127.0.0.1"]) as browser:
        page = browser.new_page()
        page.goto(base_url + "/")
        blocked = page.evaluate(CSP_PROBE_JS, SDK_URLS + NOT_SDK_URLS)
    assert {url.split("/")[2] for url in blocked} == {
        url.split("/")[2] for url in NOT_SDK_URLS + (SDK_URLS if provider == "mock" else [])
    }
