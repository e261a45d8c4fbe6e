"""The WebRTC audio offer handed to the browser.

Browsers are strict about remote descriptions: CRLF lines, ICE credentials of the right length, a sha-256
DTLS fingerprint, `setup:actpass`, `rtcp-mux`, a mid that BUNDLE names, and an rtpmap per payload type.
Opus is WebRTC's audio codec; PCMU and PCMA are the telephone-network fallbacks.
"""

import secrets
import string
import time

_ICE_CHARS = string.ascii_letters + string.digits + "+/"

# payload type -> (rtpmap, extra attribute lines)
_CODECS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (111, "opus/48000/2", ("a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1")),
    (0, "PCMU/8000", ()),
    (8, "PCMA/8000", ()),
)


def _ice_token(length: int) -> str:
    return "".join(secrets.choice(_ICE_CHARS) for _ in range(length))


def _fingerprint() -> str:
    return ":".join(f"{b:02X}" for b in secrets.token_bytes(32))


def build_audio_offer() -> str:
    """A complete one-m-line audio offer with fresh ICE credentials and fingerprint."""
    session_id = secrets.randbelow(2**62) + 1
    payload_types = " ".join(str(pt) for pt, _, _ in _CODECS)
    lines = [
        "v=0",
        f"o=- {session_id} {int(time.time())} IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=msid-semantic: WMS",
        f"m=audio 9 UDP/TLS/RTP/SAVPF {payload_types}",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        f"a=ice-ufrag:{_ice_token(8)}",
        f"a=ice-pwd:{_ice_token(24)}",
        "a=ice-options:trickle",
        f"a=fingerprint:sha-256 {_fingerprint()}",
        "a=setup:actpass",
        "a=mid:0",
        "a=sendrecv",
        "a=rtcp-mux",
    ]
    for pt, rtpmap, extra in _CODECS:
        lines.append(f"a=rtpmap:{pt} {rtpmap}")
        lines.extend(extra)
    return "\r\n".join(lines) + "\r\n"
