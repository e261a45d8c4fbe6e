"""The callee's voice: what the mock callee sends, 20 ms at a time (a prompt, the caller's own voice, silence)."""

from __future__ import annotations

import asyncio
import collections
import fractions
import time

from aiortc import MediaStreamTrack
from av import AudioFrame

from infra.media.tones import FRAME_SAMPLES, RATE, SILENCE, frames

PTIME = FRAME_SAMPLES / RATE
ECHO_BACKLOG = 3  # frames of the caller's voice held at most: an echo that falls behind drops, never lags


class CalleeTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._prompt: collections.deque[bytes] = collections.deque()
        self._repeat: list[bytes] = []  # played again and again while nothing else is (ringback, busy tone)
        self._repeat_at = 0
        self.echoing = False
        self._voice: asyncio.Queue[AudioFrame] = asyncio.Queue()
        self._start = 0.0
        self._timestamp = -1

    def play(self, pcm: bytes) -> None:
        """Play a sound once, after whatever is already queued (loops stop)."""
        self._repeat = []
        self._prompt.extend(frames(pcm))

    def loop(self, pcm: bytes) -> None:
        self._prompt.clear()
        self._repeat, self._repeat_at = frames(pcm), 0

    def silence(self) -> None:
        self._prompt.clear()
        self._repeat = []
        self.echoing = False

    def hear(self, frame: AudioFrame) -> None:
        """A frame of the caller's voice: echoed while echoing, otherwise dropped."""
        if not self.echoing:
            return
        while self._voice.qsize() >= ECHO_BACKLOG:
            self._voice.get_nowait()
        self._voice.put_nowait(frame)

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            from aiortc.mediastreams import MediaStreamError

            raise MediaStreamError
        if self.echoing and not self._prompt:
            return await self._echo()
        await self._pace()
        return self._frame(self._next_pcm())

    def _next_pcm(self) -> bytes:
        if self._prompt:
            return self._prompt.popleft()
        if self._repeat:
            pcm = self._repeat[self._repeat_at % len(self._repeat)]
            self._repeat_at += 1
            return pcm
        return SILENCE

    async def _echo(self) -> AudioFrame:
        """The caller's frame sent on as soon as it is decoded (its arrival paces the echo); silence if none."""
        try:
            frame = await asyncio.wait_for(self._voice.get(), PTIME * 3)
        except TimeoutError:
            await self._pace()
            return self._frame(SILENCE)
        self._timestamp = max(self._timestamp, 0) + frame.samples
        self._start = time.monotonic() - self._timestamp / RATE
        frame.pts = self._timestamp
        frame.time_base = fractions.Fraction(1, RATE)
        return frame

    async def _pace(self) -> None:
        if self._timestamp < 0:
            self._start, self._timestamp = time.monotonic(), 0
            return
        self._timestamp += FRAME_SAMPLES
        await asyncio.sleep(max(0.0, self._start + self._timestamp / RATE - time.monotonic()))

    def _frame(self, pcm: bytes) -> AudioFrame:
        frame = AudioFrame(format="s16", layout="stereo", samples=FRAME_SAMPLES)
        frame.planes[0].update(pcm)
        frame.pts = self._timestamp
        frame.sample_rate = RATE
        frame.time_base = fractions.Fraction(1, RATE)
        return frame
