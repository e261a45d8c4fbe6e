"""The SDP audio offer the API hands the browser (`domain/sdp.py`)."""

import re

from calls_platform.domain.sdp import build_audio_offer


def attributes(sdp: str, name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in sdp.split("\r\n") if line.startswith(f"a={name}:")]


def test_offer_uses_crlf_lines_and_session_fields():
    sdp = build_audio_offer()
    assert sdp.endswith("\r\n")
    assert "\n" not in sdp.replace("\r\n", "")
    lines = sdp.split("\r\n")
    assert [line[:2] for line in lines[:4]] == ["v=", "o=", "s=", "t="]


def test_offer_has_ice_credentials_and_dtls_fingerprint():
    sdp = build_audio_offer()
    assert len(attributes(sdp, "ice-ufrag")[0]) >= 4
    assert len(attributes(sdp, "ice-pwd")[0]) >= 22
    assert re.fullmatch(r"sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}", attributes(sdp, "fingerprint")[0])
    assert attributes(sdp, "setup") == ["actpass"]
    assert "a=rtcp-mux" in sdp.split("\r\n")


def test_bundle_names_the_audio_mid():
    sdp = build_audio_offer()
    assert attributes(sdp, "mid") == ["0"]
    assert attributes(sdp, "group") == ["BUNDLE 0"]


def test_every_payload_type_has_an_rtpmap_opus_first_then_g711():
    sdp = build_audio_offer()
    m_line = next(line for line in sdp.split("\r\n") if line.startswith("m=audio"))
    payload_types = m_line.split()[3:]
    rtpmaps = dict(entry.split(" ", 1) for entry in attributes(sdp, "rtpmap"))
    assert payload_types == ["111", "0", "8"]
    assert [rtpmaps[pt] for pt in payload_types] == ["opus/48000/2", "PCMU/8000", "PCMA/8000"]
    assert m_line.startswith("m=audio 9 UDP/TLS/RTP/SAVPF")


def test_each_offer_has_fresh_credentials():
    first, second = build_audio_offer(), build_audio_offer()
    assert attributes(first, "ice-pwd") != attributes(second, "ice-pwd")
    assert attributes(first, "fingerprint") != attributes(second, "fingerprint")
