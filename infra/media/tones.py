"""What the mock callee plays, synthesized here (nothing recorded or downloaded): 48 kHz mono 16-bit PCM."""

from __future__ import annotations

import math
from array import array

RATE = 48000
FRAME_SAMPLES = 960  # 20 ms, Opus's usual packet
FRAME_BYTES = FRAME_SAMPLES * 2  # mono
SILENCE = bytes(FRAME_BYTES * 2)  # stereo, as aiortc's Opus decoder gives the caller's voice


def tone(freqs: tuple[float, ...], seconds: float, level: float = 0.25) -> bytes:
    """A sum of sine waves, faded in and out over 5 ms so it does not click."""
    count = int(RATE * seconds)
    fade = RATE // 200
    pcm = array("h")
    for n in range(count):
        edge = min(1.0, n / fade, (count - n) / fade)
        value = sum(math.sin(2 * math.pi * f * n / RATE) for f in freqs) / len(freqs)
        pcm.append(int(32767 * level * edge * value))
    return pcm.tobytes()


def silence(seconds: float) -> bytes:
    return bytes(int(RATE * seconds) * 2)


# North American ringback: 440 + 480 Hz, 2 s on, 4 s off (shortened to 1 s on, 2 s off: mock calls ring briefly).
RINGBACK = tone((440.0, 480.0), 1.0, 0.2) + silence(2.0)
# Busy: 480 + 620 Hz, 0.5 s on, 0.5 s off.
BUSY = tone((480.0, 620.0), 0.5, 0.2) + silence(0.5)
# The greeting: three rising notes (a "hello" chime), then a short pause before the echo starts.
GREETING = tone((523.25,), 0.18) + silence(0.04) + tone((659.25,), 0.18) + silence(0.04) + tone((783.99,), 0.3)
GREETING += silence(0.2)
# A digit heard on the keypad is answered with a short high beep.
BEEP = tone((1400.0,), 0.12, 0.3)


def frames(pcm: bytes) -> list[bytes]:
    """The sound cut into 20 ms stereo frames (the layout of the echoed voice: one encoder setup for both),
    the last padded with silence."""
    padded = pcm + bytes(-len(pcm) % FRAME_BYTES)
    return [_stereo(padded[i : i + FRAME_BYTES]) for i in range(0, len(padded), FRAME_BYTES)]


def _stereo(mono: bytes) -> bytes:
    left = array("h", mono)
    both = array("h", bytes(len(mono) * 2))
    both[0::2] = left
    both[1::2] = left
    return both.tobytes()
