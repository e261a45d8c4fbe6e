"""One mock call's callee: a real WebRTC peer that rings, answers, greets, echoes, and ends as scripted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from infra.media import dtmf
from infra.media.callees import Script
from infra.media.tones import BEEP, BUSY, GREETING, RINGBACK
from infra.media.track import CalleeTrack

log = logging.getLogger("media")
Report = Callable[[str], Awaitable[None]]  # a provider status word for the phone's leg


class CallPeer:
    def __init__(self, call_id: str, script: Script, report: Report) -> None:
        self.call_id = call_id
        self.script = script
        self._report = report
        self.ended = False
        self.digits: list[str] = []
        self.track = CalleeTrack()
        # No ICE servers: aiortc would otherwise ask Google's STUN server and offer a public address.
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTrack(self.track)
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_state)
        self._tasks: set[asyncio.Task[None]] = set()

    async def offer(self) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def answer(self, sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
        for receiver in self.pc.getReceivers():
            dtmf.listen(receiver, self._on_digit)

    def dial(self, max_seconds: int | None) -> None:
        self._spawn(self._run(max_seconds))

    async def hang_up(self) -> None:
        """The caller hung up (terminate): nothing to report, the media stops."""
        self.ended = True
        await self.close()

    async def close(self) -> None:
        self.ended = True  # a close of ours is no lost connection
        self.track.silence()
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        await self.pc.close()

    async def _run(self, max_seconds: int | None) -> None:
        script = self.script
        if script.unanswered != "failed":
            await self._report("ringing")
        self.track.loop(BUSY if script.busy_tone else RINGBACK)
        await asyncio.sleep(script.ring_seconds)
        if self.ended:
            return
        if script.unanswered:
            return await self._end(script.unanswered)
        self.track.play(GREETING)
        self.track.echoing = True  # once the greeting is played
        await self._report("in-progress")  # the callee answered: billing starts
        limits = [t for t in (script.talk_seconds, max_seconds) if t is not None]
        if not limits:
            return  # talks until the caller hangs up
        talk = min(limits)  # the provider's time limit ends even the longest call (Twilio's timeLimit)
        await asyncio.sleep(talk)
        await self._end(script.hang_up if talk == script.talk_seconds else "completed")

    async def _end(self, word: str) -> None:
        """The callee ends the call: the report first (so the page finds the reason), then the media stops."""
        if self.ended:
            return
        self.ended = True
        log.info("mock callee ends the call", extra={"call_id": self.call_id, "provider_status": word})
        await self._report(word)
        await self.close()

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._spawn(self._listen(track))

    async def _listen(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                self.track.hear(await track.recv())  # type: ignore[arg-type]
        except MediaStreamError:
            return

    async def _on_state(self) -> None:
        state = self.pc.connectionState
        log.info("media connection %s", state, extra={"call_id": self.call_id})
        # Failed (ICE, DTLS, or the browser's consent expired: aioice checks it every 5 s), or closed by the
        # browser (its DTLS close alert: the tab went away): the call lost its media.
        if state in ("failed", "closed") and not self.ended:
            await self._end("connection-lost")

    def _on_digit(self, digit: str) -> None:
        self.digits.append(digit)
        log.info("digit heard: %s", digit, extra={"call_id": self.call_id})
        self.track.play(BEEP)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
