"""TwilioProvider with the real client against the fake Twilio: exact requests, errors, retries."""

import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from calls_platform.adapters.voip.twilio import Retry, TwilioProvider, client_identity
from calls_platform.domain.calls import Call, CallStatus
from calls_platform.domain.errors import CallInitiationFailed, DestinationNotAllowed, InvalidPhoneNumber
from infra.local_aws import free_port
from tests.twilio.conftest import FROM_NUMBER, PUBLIC_BASE_URL


def provider(fake, sleeps=None, base_url=None, token=None, timeout=2.0):
    client = Client(fake.account_sid, token or fake.auth_token, http_client=TwilioHttpClient(timeout=timeout))
    client.api.base_url = base_url or fake.base_url
    recorder = sleeps.append if sleeps is not None else (lambda s: None)
    return TwilioProvider(client, FROM_NUMBER, PUBLIC_BASE_URL, retry=Retry(sleep=recorder))


def a_call():
    return Call.start(uuid.uuid4(), "+4915123456789", "v=0\r\n", datetime.now(UTC))


def test_place_call_rings_the_browser_first_and_dials_the_phone_from_its_twiml(fake_twilio):
    call = a_call()
    sid = provider(fake_twilio).place_call(call)
    [sent] = fake_twilio.creates()
    assert sid in fake_twilio.calls and sid.startswith("CA")
    assert sent.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Calls.json"
    assert sent.one("To") == f"client:user_{call.user_id.hex}?call_id={call.call_id}"
    assert sent.one("To") == f"client:{client_identity(call.user_id)}?call_id={call.call_id}"
    assert sent.one("From") == FROM_NUMBER and sent.one("Timeout") == "30"
    # Both legs' callbacks name our call: the webhook finds it by call_id (the SID is not in Postgres yet).
    assert sent.one("StatusCallback") == f"{PUBLIC_BASE_URL}/api/webhooks/twilio/status?call_id={call.call_id}"
    assert sent.form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert sent.one("StatusCallbackMethod") == "POST"
    assert "Url" not in sent.form  # inline TwiML: Twilio fetches nothing from us
    response = ElementTree.fromstring(sent.one("Twiml"))
    [dial] = list(response)
    assert dial.tag == "Dial" and dial.attrib == {"callerId": FROM_NUMBER, "timeLimit": "7200", "timeout": "30"}
    [number] = list(dial)
    assert number.tag == "Number" and number.text == call.phone_number
    assert number.attrib == {
        "statusCallback": f"{PUBLIC_BASE_URL}/api/webhooks/twilio/status?call_id={call.call_id}",
        "statusCallbackEvent": "initiated ringing answered completed",
        "statusCallbackMethod": "POST",
    }


def test_the_maximum_call_duration_is_configurable(fake_twilio):
    client = Client(fake_twilio.account_sid, fake_twilio.auth_token)
    client.api.base_url = fake_twilio.base_url
    TwilioProvider(client, FROM_NUMBER, PUBLIC_BASE_URL, max_call_seconds=600).place_call(a_call())
    [dial] = list(ElementTree.fromstring(fake_twilio.creates()[0].one("Twiml")))
    assert dial.attrib["timeLimit"] == "600"


@pytest.mark.parametrize("code", [21215, 21216])
def test_a_destination_the_account_may_not_call_is_refused_not_unavailable(fake_twilio, code):
    fake_twilio.fail_next(400, code, "Account not authorized to call +4915123456789.")
    with pytest.raises(DestinationNotAllowed) as caught:
        provider(fake_twilio).place_call(a_call())
    assert "4915123456789" not in caught.value.message


def test_unavailable_causes_mask_the_number(fake_twilio):
    fake_twilio.fail_next(500, 20500, "Could not reach +4915123456789 (or 4915123456789) just now")
    with pytest.raises(CallInitiationFailed) as caught:
        provider(fake_twilio).place_call(a_call())
    assert "512345" not in caught.value.cause and "6789" in caught.value.cause and "20500" in caught.value.cause


def test_invalid_number_is_a_validation_error(fake_twilio):
    fake_twilio.fail_next(400, 21211, "The 'To' number is not a valid phone number.")
    with pytest.raises(InvalidPhoneNumber):
        provider(fake_twilio).place_call(a_call())


@pytest.mark.parametrize("status, code", [(500, 20500), (503, 20503), (400, 21210)])
def test_server_errors_are_unavailable_and_not_retried(fake_twilio, status, code):
    fake_twilio.fail_next(status, code)
    with pytest.raises(CallInitiationFailed):
        provider(fake_twilio).place_call(a_call())
    assert len(fake_twilio.creates()) == 1  # a 5xx may have placed the call: never dial twice


def test_bad_credentials_are_unavailable(fake_twilio):
    with pytest.raises(CallInitiationFailed) as caught:
        provider(fake_twilio, token="wrong-token").place_call(a_call())
    assert "code 20003" in caught.value.cause


def test_too_many_requests_is_retried_with_exponential_backoff(fake_twilio):
    fake_twilio.fail_next(429, 20429, times=2)
    sleeps = []
    assert provider(fake_twilio, sleeps).place_call(a_call()).startswith("CA")
    assert len(fake_twilio.creates()) == 3 and sleeps == [0.25, 0.5]


def test_retries_are_bounded(fake_twilio):
    fake_twilio.fail_next(429, 20429, times=10)
    sleeps = []
    with pytest.raises(CallInitiationFailed):
        provider(fake_twilio, sleeps).place_call(a_call())
    assert len(fake_twilio.creates()) == 4 and sleeps == [0.25, 0.5, 1.0]


def test_connection_refused_is_unavailable(fake_twilio):
    with pytest.raises(CallInitiationFailed) as caught:
        provider(fake_twilio, base_url=f"http://127.0.0.1:{free_port()}").place_call(a_call())
    assert caught.value.cause.startswith("ConnectionError")


def test_a_hanging_twilio_times_out():
    class Silent(BaseHTTPRequestHandler):
        def do_POST(self):
            time.sleep(3)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Silent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from tests.fakes.twilio_server import FakeTwilio

    started = time.monotonic()
    try:
        with pytest.raises(CallInitiationFailed) as caught:
            provider(FakeTwilio(), base_url=f"http://127.0.0.1:{server.server_address[1]}", timeout=0.5).place_call(
                a_call()
            )
        assert "Timeout" in caught.value.cause
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 2.5


def test_hang_up_completes_an_answered_call(fake_twilio):
    sid = provider(fake_twilio).place_call(a_call())
    fake_twilio.calls[sid]["status"] = "in-progress"
    provider(fake_twilio).hang_up(sid, CallStatus.ACTIVE)
    assert [u.one("Status") for u in fake_twilio.updates()] == ["completed"]
    assert fake_twilio.calls[sid]["status"] == "completed"


def test_hang_up_cancels_a_ringing_call(fake_twilio):
    sid = provider(fake_twilio).place_call(a_call())
    provider(fake_twilio).hang_up(sid, CallStatus.RINGING)
    assert [u.one("Status") for u in fake_twilio.updates()] == ["canceled"]
    assert fake_twilio.calls[sid]["status"] == "canceled"


def test_a_call_answered_meanwhile_is_completed_after_cancel_leaves_it_running(fake_twilio):
    sid = provider(fake_twilio).place_call(a_call())
    fake_twilio.calls[sid]["status"] = "in-progress"  # our last news said ringing
    provider(fake_twilio).hang_up(sid, CallStatus.RINGING)
    assert [u.one("Status") for u in fake_twilio.updates()] == ["canceled", "completed"]
    assert fake_twilio.calls[sid]["status"] == "completed"


def test_a_call_twilio_already_ended_is_not_an_error(fake_twilio):
    sid = provider(fake_twilio).place_call(a_call())
    fake_twilio.calls[sid]["status"] = "completed"
    provider(fake_twilio).hang_up(sid, CallStatus.ACTIVE)
    provider(fake_twilio).hang_up("CA" + "f" * 32, CallStatus.RINGING)  # unknown to Twilio: 404
