"""The local media service alone (infra/media/): a Python aiortc client takes its offer, answers, hears the
ringback and the greeting, then its own 440 Hz bursts echoed; its keypad's RFC 4733 digits are recognised;
a hang-up stops the media within a second; scripted callees report their outcomes."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from infra.local_aws import free_port
from infra.media import dtmf, loopback
from infra.media.server import MediaService
from tests.support.tones import BurstTrack, frame_level

HEARD = 0.02  # a tone level above this is the tone; silence and Opus noise stay far below


class Client:
    """The browser's part: a peer with a burst microphone, and what it hears (time, 440 Hz level)."""

    def __init__(self, base: str, http: aiohttp.ClientSession) -> None:
        self.base, self.http = base, http
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.mic = BurstTrack()
        self.heard: list[tuple[float, float]] = []
        self.pc.on("track", lambda track: asyncio.ensure_future(self._listen(track)))

    async def _listen(self, track) -> None:
        try:
            while True:
                self.heard.append((time.monotonic(), frame_level(await track.recv())))
        except Exception:
            return

    async def call(self, call_id: str, number: str) -> None:
        async with self.http.post(f"{self.base}/calls", json={"call_id": call_id, "phone_number": number}) as r:
            assert r.status == 201
            offer = (await r.json())["sdp"]
        assert "a=candidate:" in offer and "opus/48000/2" in offer
        candidates = [line for line in offer.split("\r\n") if line.startswith("a=candidate:")]
        assert all(" 127.0.0.1 " in line and " typ host" in line for line in candidates), candidates  # loopback only
        assert "telephone-event/48000" in offer
        await self.pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
        self.pc.addTrack(self.mic)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        async with self.http.post(f"{self.base}/calls/{call_id}/dial", json={"max_seconds": None}) as r:
            assert r.status == 204
        async with self.http.post(
            f"{self.base}/calls/{call_id}/answer", json={"sdp": self.pc.localDescription.sdp}
        ) as r:
            assert r.status == 204

    def loud_since(self, since: float) -> int:
        return sum(1 for at, level in self.heard if at >= since and level > HEARD)

    def frames_since(self, since: float) -> int:
        return sum(1 for at, _ in self.heard if at >= since)


@pytest.fixture
def run():
    dtmf.install()
    loopback.install()
    loop = asyncio.new_event_loop()
    yield loop.run_until_complete
    loop.close()


async def started(reports: list[tuple[str, str, float]]):
    async def report(call_id: str, word: str) -> None:
        reports.append((call_id, word, time.monotonic()))

    service = MediaService(report)
    runner = web.AppRunner(service.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return service, runner, f"http://127.0.0.1:{port}"


@dataclasses.dataclass
class Placed:
    """A call placed with the media service: what it reported, the service, its URL, the HTTP session, the
    caller."""

    reports: list[tuple[str, str, float]]
    service: MediaService
    base: str
    http: aiohttp.ClientSession
    client: Client


@contextlib.asynccontextmanager
async def placed(call_id: str, number: str = "+4915123456789") -> AsyncIterator[Placed]:
    """The service started, one call placed to it by a caller of our own; the service stopped afterwards."""
    reports: list[tuple[str, str, float]] = []
    service, runner, base = await started(reports)
    async with aiohttp.ClientSession() as http:
        client = Client(base, http)
        await client.call(call_id, number)
        yield Placed(reports, service, base, http, client)
    await runner.cleanup()


def test_the_callee_rings_answers_greets_echoes_and_stops_on_hang_up(run):
    async def scenario():
        async with placed("c-echo") as call:
            reports, service, base, http, client = call.reports, call.service, call.base, call.http, call.client
            await asyncio.sleep(1.5)
            assert [w for _, w, _ in reports] == ["ringing"]
            assert client.loud_since(0) > 10  # the ringback (440 + 480 Hz) while it rings
            while len(reports) < 2:
                await asyncio.sleep(0.05)
            answered = reports[1][2]
            assert reports[1][1] == "in-progress"  # the callee answered: billing starts at this report
            await asyncio.sleep(3.0)
            echo_from = answered + 1.2  # after the greeting
            assert client.loud_since(echo_from) > 20  # our bursts, echoed
            client.mic.muted = True
            await asyncio.sleep(1.0)
            muted_at = time.monotonic()
            await asyncio.sleep(1.0)
            assert client.loud_since(muted_at) == 0  # muted: silence comes back
            client.mic.muted = False
            sender = client.pc.getSenders()[0]
            await send_digit(sender, client.pc, "5")
            await asyncio.sleep(0.5)
            assert service.peers["c-echo"].digits == ["5"]
            async with http.post(f"{base}/calls/c-echo/hangup", json={}) as r:
                assert r.status == 204
            stopped = time.monotonic()
            await asyncio.sleep(1.5)
            assert client.frames_since(stopped + 1.0) == 0  # nothing arrives a second after the hang-up
            assert [w for _, w, _ in reports] == ["ringing", "in-progress"]  # a hang-up here reports nothing
            await client.pc.close()

    run(scenario())


async def send_digit(sender, pc, digit: str) -> None:
    """What a browser's RTCDTMFSender sends for one key: RFC 4733 packets, the last three marked as its end."""
    import struct

    from aiortc.rtp import RtpPacket

    pt = dtmf.PAYLOAD_TYPE  # aiortc has no DTMF sender: the packets go out through its DTLS transport
    timestamp = 123456
    event = dtmf.EVENTS.index(digit)
    for i, end in enumerate([False, False, True, True, True]):
        packet = RtpPacket(payload_type=pt, sequence_number=60000 + i, timestamp=timestamp, ssrc=sender._ssrc)
        packet.payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, 160 * (i + 1))
        await sender.transport._send_rtp(bytes(packet.serialize()))


def test_a_caller_that_goes_away_mid_call_is_a_lost_connection(run):
    async def scenario():
        async with placed("c-gone") as call:
            reports, service, client = call.reports, call.service, call.client
            while len(reports) < 2:
                await asyncio.sleep(0.05)
            gone = time.monotonic()
            await client.pc.close()  # the tab closed: no hang-up request, only its DTLS close alert
            while len(reports) < 3 and time.monotonic() < gone + 5:
                await asyncio.sleep(0.05)
            assert [w for _, w, _ in reports] == ["ringing", "in-progress", "connection-lost"]
            assert reports[2][2] - gone < 2.0
            assert "c-gone" not in service.peers

    run(scenario())


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("+12025550101", ["ringing", "busy"]),
        ("+12025550104", ["failed"]),
        ("+12025550103", ["ringing", "in-progress", "completed"]),
        ("+12025550105", ["ringing", "in-progress", "connection-lost"]),
    ],
)
def test_scripted_callees_report_their_outcome(run, number, words):
    async def scenario():
        reports: list[tuple[str, str, float]] = []
        _, runner, base = await started(reports)
        async with aiohttp.ClientSession() as http:
            client = Client(base, http)
            await client.call("c-1", number)
            deadline = time.monotonic() + 10
            while len(reports) < len(words) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert [w for _, w, _ in reports] == words
            await client.pc.close()
        await runner.cleanup()

    run(scenario())


def test_a_caller_that_vanishes_without_a_word_is_lost_when_its_ice_consent_expires(run, monkeypatch):
    """A browser that crashed or lost its network sends no DTLS close: the peer's ICE consent checks (RFC 7675,
    aioice: every ~5 s, 6 misses) go unanswered and the call is reported lost. Here they run every 0.2 s."""
    from aioice import ice

    monkeypatch.setattr(ice, "CONSENT_INTERVAL", 0.2)

    async def scenario():
        reports: list[tuple[str, str, float]] = []
        service, runner, base = await started(reports)
        async with aiohttp.ClientSession() as http:
            client = Client(base, http)
            await client.call("c-vanish", "+4915123456789")
            while len(reports) < 2:
                await asyncio.sleep(0.05)
            ice_transport = client.pc.getTransceivers()[0].sender.transport.transport
            for protocol in ice_transport._connection._protocols:  # its sockets go silent: nothing is sent
                protocol.transport.close()
            gone = time.monotonic()
            while len(reports) < 3 and time.monotonic() < gone + 10:
                await asyncio.sleep(0.05)
            assert [w for _, w, _ in reports] == ["ringing", "in-progress", "connection-lost"]
            assert 0.8 < reports[2][2] - gone < 5.0  # after the missed consent checks, not at once
            assert "c-vanish" not in service.peers
            await client.pc.close()
        await runner.cleanup()

    run(scenario())
