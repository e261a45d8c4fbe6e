"""Echo round trip on loopback: a tone burst sent by an aiortc client, its echo's onset received back. Through
the stack's media peer (infra/media/, an answered mock call) beside the floor: a bare aiortc relay in its own
process that feeds the received track straight back to its sender. Both offer, both run in their own process,
the client is the same; the two take turns, burst by burst in blocks.

    python -m benchmarks.media_echo --relay PORT    (the floor's relay, started by the benchmark itself)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

ON, OFF = 0.2, 0.8  # a burst, then quiet long enough that each echo's onset is its own
HEARD = 0.02  # tone level that counts as the burst (silence and Opus noise stay far below)
SETTLE = 4.0  # the mock callee rings (2 s) and greets (~1 s) before it echoes


async def _listen(track: Any, onsets: list[float]) -> None:
    from tests.support.tones import frame_level

    quiet_since = time.monotonic()
    loud = False
    while True:
        try:
            frame = await track.recv()
        except Exception:
            return
        now = time.monotonic()
        level = frame_level(frame)
        if level > HEARD and not loud and now - quiet_since > OFF / 2:
            onsets.append(now)
        if level > HEARD:
            loud = True
        elif loud:
            loud, quiet_since = False, now


async def _one_call(base: str, post_answer: str, offer_body: dict, settle: float, bursts: int) -> list[float]:
    """One call: offer from `base`, answer, wait `settle`, then `bursts` bursts; the round trip of each."""
    import aiohttp
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    from tests.support.tones import BurstTrack

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    mic = BurstTrack(ON, OFF)
    mic.muted = True
    heard: list[float] = []
    pc.on("track", lambda track: asyncio.ensure_future(_listen(track, heard)))
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}{offer_body.pop('path')}", json=offer_body) as response:
            offer = (await response.json())["sdp"]
        await pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
        pc.addTrack(mic)
        await pc.setLocalDescription(await pc.createAnswer())
        for path, body in _after_answer(post_answer, pc.localDescription.sdp):
            async with http.post(f"{base}{path}", json=body) as response:
                assert response.status in (200, 204), await response.text()
        await asyncio.sleep(settle)
        heard.clear()
        mic.sent_onsets.clear()
        mic.muted = False
        await asyncio.sleep(bursts * (ON + OFF) + 0.5)
        if post_answer != "relay":  # hung up as the caller would: no lost connection reported
            async with http.post(f"{base}/calls/{post_answer}/hangup", json={}) as response:
                assert response.status == 204
        await pc.close()
    return _round_trips(mic.sent_onsets, heard)


def _after_answer(kind: str, sdp: str) -> list[tuple[str, dict]]:
    if kind == "relay":
        return [("/answer", {"sdp": sdp})]
    return [(f"/calls/{kind}/dial", {"max_seconds": None}), (f"/calls/{kind}/answer", {"sdp": sdp})]


def _round_trips(sent: list[float], heard: list[float]) -> list[float]:
    """Each echo onset against the latest burst sent before it (bursts are a second apart)."""
    trips = []
    for at in heard:
        before = [s for s in sent if s < at]
        if before and at - before[-1] < ON + OFF:
            trips.append((at - before[-1]) * 1000)
    return trips


def measure(media_url: str, rounds: int = 3, bursts: int = 8) -> dict[str, Any]:
    from infra.local_aws import free_port
    from infra.media import dtmf, loopback
    from tests.support.paths import ROOT

    dtmf.install()  # the client offers what the browser would answer with
    loopback.install()
    port = free_port()
    relay = subprocess.Popen([sys.executable, "-m", "benchmarks.media_echo", "--relay", str(port)], cwd=ROOT)
    try:
        _wait(f"http://127.0.0.1:{port}/health")
        peer: list[float] = []
        floor: list[float] = []
        for turn in range(rounds * 2):
            through_peer = (turn % 2 == 0) == (turn // 2 % 2 == 0)  # who goes first alternates each round
            if through_peer:
                call_id = str(uuid.uuid4())
                body = {"path": "/calls", "call_id": call_id, "phone_number": "+4915123456789"}
                peer += asyncio.run(_one_call(media_url, call_id, body, SETTLE, bursts))
            else:
                body = {"path": "/offer"}
                floor += asyncio.run(_one_call(f"http://127.0.0.1:{port}", "relay", body, 1.0, bursts))
    finally:
        relay.terminate()
        relay.wait(10)
    return _summary(peer, floor)


def _summary(peer: list[float], floor: list[float]) -> dict[str, Any]:
    def p95(values: list[float]) -> float:
        return round(statistics.quantiles(values, n=20)[-1], 1) if len(values) >= 2 else float("nan")

    median, floor_median = statistics.median(peer), statistics.median(floor)
    return {
        "samples": len(peer),
        "floor_samples": len(floor),
        "median_ms": round(median, 1),
        "p95_ms": p95(peer),
        "floor_median_ms": round(floor_median, 1),
        "floor_p95_ms": p95(floor),
        "ratio": round(median / floor_median, 2),
        "goal": "median <= 1.2 x floor and < 250 ms",
    }


def _wait(url: str) -> None:
    import urllib.request

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def relay_main(port: int) -> None:
    """The floor: aiortc's own relay, nothing else (the received track is the sender's track)."""
    from aiohttp import web
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    from infra.media import dtmf, loopback

    dtmf.install()  # the same offer as the media peer's
    loopback.install()
    peers: list[RTCPeerConnection] = []

    async def offer(request: web.Request) -> web.Response:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        sender = pc.addTransceiver("audio", direction="sendrecv").sender
        pc.on("track", sender.replaceTrack)
        peers[:] = [pc]
        await pc.setLocalDescription(await pc.createOffer())
        return web.json_response({"sdp": pc.localDescription.sdp})

    async def answer(request: web.Request) -> web.Response:
        await peers[0].setRemoteDescription(RTCSessionDescription((await request.json())["sdp"], "answer"))
        return web.Response(status=204)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.add_routes([web.post("/offer", offer), web.post("/answer", answer), web.get("/health", health)])
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--relay", type=int, required=True)
    relay_main(parser.parse_args().relay)
