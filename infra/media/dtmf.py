"""The keypad's tones as RFC 4733 `telephone-event` packets, which aiortc does not know by itself.

aiortc 1.16 has no telephone-event codec and no DTMF sender or receiver: it offers only opus, G722, PCMU and
PCMA, and its receiver hands every packet of a negotiated payload type to a decoder (none exists for
telephone-event, so its decoder thread would stop). Two small additions make the mock callee hear digits:
the codec is added to the ones aiortc offers, so the browser's answer negotiates it and its
`RTCDTMFSender` can send; and the receiver takes packets of that payload type out before the jitter buffer
and reads the event from them. Nothing is sent back as telephone-event (the callee beeps in audio instead).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpCodecParameters, RTCRtpReceiver
from aiortc.codecs import CODECS

MIME = "audio/telephone-event"
PAYLOAD_TYPE = 101  # at 48 kHz, Opus's clock: the one Chromium sends with
# Firefox (ESR 153) accepts telephone-event only at 8 kHz: offered 48 kHz alone, its answer drops the codec and
# its RTCDTMFSender cannot send (canInsertDTMF false). Chromium answers both and still sends at 48 kHz.
PAYLOAD_TYPE_8K = 126
EVENTS = "0123456789*#"  # RFC 4733 events 0-11; the rest (A-D, flash) are not on the page's keypad
_installed = False


def install() -> None:
    """Once per process: offer telephone-event after the voice codecs, and intercept its packets."""
    global _installed
    if _installed:
        return
    _installed = True
    for clock_rate, payload_type in ((48000, PAYLOAD_TYPE), (8000, PAYLOAD_TYPE_8K)):
        codec = RTCRtpCodecParameters(MIME, clock_rate, channels=1, payloadType=payload_type, parameters={"0-15": None})
        CODECS["audio"].append(codec)
    original = RTCRtpReceiver._handle_rtp_packet

    async def handle(self: RTCRtpReceiver, packet: Any, arrival_time_ms: int) -> None:
        codecs = getattr(self, "_RTCRtpReceiver__codecs", {})
        codec = codecs.get(packet.payload_type)
        if codec is not None and codec.mimeType.lower() == MIME:
            _heard(self, packet.timestamp, packet.payload)
            return
        await original(self, packet, arrival_time_ms)

    RTCRtpReceiver._handle_rtp_packet = handle  # type: ignore[method-assign]


def listen(receiver: RTCRtpReceiver, on_digit: Callable[[str], None]) -> None:
    receiver._on_digit = on_digit  # type: ignore[attr-defined]


def parse(payload: bytes) -> tuple[str, bool] | None:
    """(digit, whether this packet ends the event), or None for an event the keypad cannot send."""
    if len(payload) < 4:
        return None
    event, flags, _duration = struct.unpack("!BBH", payload[:4])
    if event >= len(EVENTS):
        return None
    return EVENTS[event], bool(flags & 0x80)


def _heard(receiver: RTCRtpReceiver, timestamp: int, payload: bytes) -> None:
    """One tone is many packets with one timestamp (its end sent three times): it counts once."""
    parsed = parse(payload)
    on_digit = getattr(receiver, "_on_digit", None)
    if parsed is None or on_digit is None or getattr(receiver, "_last_event", None) == timestamp:
        return
    receiver._last_event = timestamp  # type: ignore[attr-defined]
    on_digit(parsed[0])
