"""The WebRTC audio offer handed to the browser.

Browsers are strict about remote descriptions: CRLF lines, ICE credentials of the right length, a sha-256
DTLS fingerprint, `setup:actpass`, `rtcp-mux`, a mid that BUNDLE names, and an rtpmap per payload type.
Opus is WebRTC's audio codec; PCMU and PCMA are the telephone-network fallbacks.
"""

import dataclasses
import re
import secrets
import string
import time

from calls_platform.domain.errors import ValidationError

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


# ---- Answers from the browser -------------------------------------------------------------------------

MAX_SDP_CHARS = 16 * 1024
_STATIC_PAYLOAD_TYPES = {"0": "pcmu/8000", "8": "pcma/8000", "9": "g722/8000", "18": "g729/8000"}
_FINGERPRINT = re.compile(r"(sha-1|sha-224|sha-256|sha-384|sha-512) ([0-9A-Fa-f]{2}:)+[0-9A-Fa-f]{2}")


@dataclasses.dataclass
class _Section:
    kind: str  # "audio", "video", ...; "" for the session level
    payload_types: list[str]
    attributes: list[tuple[str, str]]

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.attributes if key == name]

    def first(self, name: str, session: "_Section") -> str | None:
        found = self.values(name) or session.values(name)
        return found[0] if found else None

    def codecs(self) -> dict[str, str]:
        """payload type -> lower-case encoding/clock rate (without channels), static types included."""
        mapped = dict(_STATIC_PAYLOAD_TYPES)
        for value in self.values("rtpmap"):
            pt, _, encoding = value.partition(" ")
            mapped[pt] = "/".join(encoding.lower().split("/")[:2])
        return {pt: mapped[pt] for pt in self.payload_types if pt in mapped}


def _parse(sdp: str) -> tuple[_Section, list[_Section]]:
    session, media = _Section("", [], []), []
    current = session
    for line in sdp.replace("\r\n", "\n").split("\n"):
        if not line:
            continue
        if len(line) < 2 or line[1] != "=":
            raise ValidationError(f"sdp_answer: malformed line {line[:40]!r}")
        kind, value = line[0], line[2:]
        if kind == "m":
            parts = value.split()
            if len(parts) < 4:
                raise ValidationError("sdp_answer: malformed m= line")
            current = _Section(parts[0], parts[3:], [])
            media.append(current)
        elif kind == "a":
            name, _, attr_value = value.partition(":")
            current.attributes.append((name, attr_value.strip()))
        else:
            current.attributes.append((f"{kind}=", value))
    return session, media


def check_answer(offer: str, answer: object) -> str:
    """The answer if it is a well-formed SDP answer to `offer`; ValidationError saying what is wrong."""
    if not isinstance(answer, str) or not answer.strip():
        raise ValidationError("sdp_answer is required (a string)")
    if len(answer) > MAX_SDP_CHARS:
        raise ValidationError(f"sdp_answer must be at most {MAX_SDP_CHARS} characters")
    if not answer.startswith("v=0"):
        raise ValidationError("sdp_answer must start with v=0")
    offer_session, offered = _parse(offer)
    session, media = _parse(answer)
    for field in ("o=", "s=", "t="):
        if not session.values(field):
            raise ValidationError(f"sdp_answer lacks its {field} line")
    if [m.kind for m in media] != [m.kind for m in offered]:
        raise ValidationError("sdp_answer must have the offer's media sections, in the same order")
    for index, (theirs, ours) in enumerate(zip(media, offered, strict=True)):
        _check_section(index, theirs, session, ours, offer_session)
    return answer


def _check_section(
    index: int, section: _Section, session: _Section, offered: _Section, offer_session: _Section
) -> None:
    where = f"sdp_answer media section {index}"
    if section.values("mid") != offered.values("mid"):
        raise ValidationError(f"{where}: mid must be {offered.values('mid')[0]!r} as in the offer")
    ufrag, pwd = section.first("ice-ufrag", session), section.first("ice-pwd", session)
    if not ufrag or len(ufrag) < 4 or not pwd or len(pwd) < 22:
        raise ValidationError(f"{where}: needs ICE credentials (ice-ufrag of 4+, ice-pwd of 22+ characters)")
    fingerprint = section.first("fingerprint", session)
    if not fingerprint or not _FINGERPRINT.fullmatch(fingerprint):
        raise ValidationError(f"{where}: needs a DTLS fingerprint (a=fingerprint:sha-256 XX:XX:...)")
    if section.first("setup", session) not in ("active", "passive"):
        raise ValidationError(f"{where}: a=setup must be active or passive in an answer")
    offered_codecs = set(offered.codecs().values())
    if not offered_codecs & set(section.codecs().values()):
        raise ValidationError(f"{where}: accepts none of the offered codecs ({', '.join(sorted(offered_codecs))})")
