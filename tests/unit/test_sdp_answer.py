"""The server's SDP answer checks, on an offer of ours and the answer a real Chromium produced for it."""

import pytest

from calls_platform.domain.errors import ValidationError
from calls_platform.domain.sdp import build_audio_offer, check_answer
from tests.support.paths import FIXTURES

OFFER = (FIXTURES / "our_offer.sdp").open(newline="").read()
ANSWER = (FIXTURES / "chromium_answer.sdp").open(newline="").read()


def test_chromiums_answer_to_our_offer_is_accepted():
    assert check_answer(OFFER, ANSWER) == ANSWER


def test_lf_only_line_endings_are_tolerated():
    check_answer(OFFER, ANSWER.replace("\r\n", "\n"))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda a: a.replace("a=setup:active", "a=setup:actpass"), "active or passive"),
        (lambda a: a.replace("a=mid:0", "a=mid:1"), "mid must be '0'"),
        (lambda a: "\r\n".join(line for line in a.split("\r\n") if not line.startswith("a=ice-pwd")), "ICE"),
        (lambda a: a.replace("a=ice-ufrag:", "a=ice-ufrag:x\r\na=ignored:"), "ICE"),
        (
            lambda a: "\r\n".join(line for line in a.split("\r\n") if not line.startswith("a=fingerprint")),
            "fingerprint",
        ),
        (lambda a: a.replace("a=fingerprint:sha-256 ", "a=fingerprint:sha-256 nothex"), "fingerprint"),
        (
            lambda a: a.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8", "m=audio 9 UDP/TLS/RTP/SAVPF 96").replace(
                "a=rtpmap:111 opus/48000/2", "a=rtpmap:96 VP8/90000"
            ),
            "none of the offered codecs",
        ),
        (lambda a: a.replace("m=audio", "m=video"), "media sections"),
        (lambda a: a + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:1\r\n", "media sections"),
        (lambda a: a.replace("v=0", "v=1"), "v=0"),
        (lambda a: a.replace("s=-\r\n", ""), "s="),
        (lambda a: a.replace("a=rtcp:9", "garbage"), "malformed line"),
        (lambda a: a + "a=x:" + "y" * 20_000, "at most"),
    ],
    ids=[
        "setup-actpass",
        "wrong-mid",
        "no-ice-pwd",
        "short-ufrag",
        "no-fingerprint",
        "bad-fingerprint",
        "other-codec",
        "other-media",
        "extra-section",
        "version",
        "no-s-line",
        "malformed",
        "huge",
    ],
)
def test_broken_answers_say_what_is_wrong(mutate, message):
    with pytest.raises(ValidationError, match=message):
        check_answer(OFFER, mutate(ANSWER))


@pytest.mark.parametrize("answer", [None, "", 42, ["v=0"]])
def test_missing_answer(answer):
    with pytest.raises(ValidationError, match="sdp_answer is required"):
        check_answer(OFFER, answer)


def test_an_offer_is_not_an_answer():
    with pytest.raises(ValidationError, match="active or passive"):
        check_answer(OFFER, build_audio_offer())


def test_a_g711_only_answer_is_accepted():
    g711 = ANSWER.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8", "m=audio 9 UDP/TLS/RTP/SAVPF 0")
    check_answer(OFFER, g711)
