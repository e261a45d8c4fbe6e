"""Tones in and out of calls: a 440 Hz burst source (aiortc track, WAV file), and telling whether a frame
holds that tone. Shared by the media tests and the echo benchmark."""

from __future__ import annotations

import asyncio
import fractions
import math
import time
import wave
from array import array
from pathlib import Path
from typing import Any

from aiortc import MediaStreamTrack
from av import AudioFrame

RATE = 48000
FRAME = 960  # 20 ms
TONE_HZ = 440.0


def burst_pcm(on: float = 0.4, off: float = 0.6, seconds: float = 20.0, rate: int = RATE) -> bytes:
    """Mono 16-bit PCM: TONE_HZ for `on` seconds, silence for `off`, repeated."""
    period = on + off
    pcm = array("h")
    for n in range(int(rate * seconds)):
        t = n / rate
        pcm.append(int(12000 * math.sin(2 * math.pi * TONE_HZ * t)) if t % period < on else 0)
    return pcm.tobytes()


def write_wav(path: Path, pcm: bytes, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return path


def tone_level(samples: array, rate: int = RATE, hz: float = TONE_HZ) -> float:
    """Goertzel: the tone's amplitude in these samples, 0..1 of full scale."""
    k = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    return math.sqrt(max(power, 0.0)) / (len(samples) / 2) / 32768


def frame_level(frame: Any) -> float:
    """The tone's level in an aiortc audio frame (s16, mono or stereo: the first channel)."""
    samples = array("h", bytes(frame.planes[0]))
    channels = len(frame.layout.channels)
    return tone_level(samples[::channels][: frame.samples])


class BurstTrack(MediaStreamTrack):
    """An aiortc audio track sending the bursts in real time; `sent_onsets` holds when each burst began."""

    kind = "audio"

    def __init__(self, on: float = 0.4, off: float = 0.6) -> None:
        super().__init__()
        self.pcm = burst_pcm(on, off, 60.0)
        self.period = int((on + off) * RATE)
        self.sent_onsets: list[float] = []
        self.muted = False
        self._n = -1
        self._start = 0.0

    async def recv(self) -> Any:
        if self._n < 0:
            self._start, self._n = time.monotonic(), 0
        else:
            self._n += FRAME
            await asyncio.sleep(max(0.0, self._start + self._n / RATE - time.monotonic()))
        offset = self._n % (len(self.pcm) // 2 - FRAME)
        if offset % self.period < FRAME and not self.muted:
            self.sent_onsets.append(time.monotonic())
        chunk = bytes(FRAME * 2) if self.muted else self.pcm[offset * 2 : (offset + FRAME) * 2]
        frame = AudioFrame(format="s16", layout="mono", samples=FRAME)
        frame.planes[0].update(chunk)
        frame.pts, frame.sample_rate, frame.time_base = self._n, RATE, fractions.Fraction(1, RATE)
        return frame
