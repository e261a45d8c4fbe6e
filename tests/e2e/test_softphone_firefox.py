"""The softphone in Debian's firefox-esr, headless, as a person uses it: the whole journey of
test_softphone.py (sign-up, sign-in, microphone check, dialling with the mouse, a call, mute, keypad, hang-up,
history, reload, sign-out) in English and Russian at phone and desktop width, in one browser launch.

puppeteer-core (tests/e2e/firefox, pinned by its lockfile) drives Firefox over WebDriver BiDi; Playwright
cannot drive Debian's Firefox. Screenshots go to test-artifacts/firefox/.

The call's media: the local media peer rings (its ringback heard), answers and echoes the caller; the journey
hears Firefox's fake microphone (a 1 kHz tone) come back on the remote audio, and silence 0.8 s after Mute; a
keypad digit reaches the peer as an RFC 4733 event (the peer answers it with a 1400 Hz beep, heard on the page).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid

import pytest

from tests.e2e.test_softphone import DESKTOP, LANGS, PHONE, SEEDED, seed_history
from tests.support.audio import null_sink
from tests.support.paths import ROOT

HARNESS = ROOT / "tests" / "e2e" / "firefox"
ARTIFACTS = ROOT / "test-artifacts" / "firefox"
GRANTED = {"en": "allowed", "ru": "разрешён"}
RINGING = {"en": "Ringing…", "ru": "Идёт вызов…"}


def firefox() -> str:
    path = shutil.which("firefox-esr") or shutil.which("firefox")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Firefox is missing in CI: `make browser` installs Debian's firefox-esr")
        pytest.skip("Firefox is not installed (`make browser` installs firefox-esr)")
    return path


def test_a_person_uses_the_softphone_in_firefox_in_both_languages_at_both_widths(base_url, db):
    executable = firefox()
    subprocess.run(["make", "--no-print-directory", "firefox-harness"], cwd=ROOT, check=True, capture_output=True)
    runs = [
        {
            "lang": lang,
            **viewport,
            "words": {**LANGS[lang], "granted": GRANTED[lang], "ringing": RINGING[lang]},
            "email": f"ff-{lang}-{viewport['width']}-{uuid.uuid4().hex[:6]}@example.com",
        }
        for lang, viewport in [("en", DESKTOP), ("en", PHONE), ("ru", PHONE), ("ru", DESKTOP)]
    ]
    plan = {
        "baseUrl": base_url + "/",
        "firefox": executable,
        "artifacts": str(ARTIFACTS),
        "seeded": SEEDED,
        "langs": LANGS,
        "journeys": runs,
    }
    steps: list[dict] = []
    with null_sink() as audio:
        env = {**os.environ, **audio, "JOURNEY": json.dumps(plan)}
        node = subprocess.Popen(
            ["node", "journey.mjs"], cwd=HARNESS, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert node.stdout is not None and node.stdin is not None
        try:
            for line in node.stdout:
                message = json.loads(line)
                steps.append(message)
                print(message)
                if "ask" in message:  # the journey signed up: one full page of history before its call
                    seed_history(db, message["ask"]["seed"], SEEDED)
                    node.stdin.write("ok\n")
                    node.stdin.flush()
        finally:
            code = node.wait(timeout=60)
    failures = [s["failed"] for s in steps if "failed" in s]
    assert code == 0 and not failures, failures
    done = [(s["journey"], s["step"]) for s in steps if "step" in s]
    assert len([d for d in done if d[1] == "signed out"]) == len(runs)
    calls = db.run("SELECT status, end_reason, sdp_answer FROM calls WHERE sdp_answer IS NOT NULL")
    ended = [("completed", "caller_hung_up")] * (2 * len(runs))  # each journey's call, and history's Call
    assert [(status, reason) for status, reason, _ in calls] == ended
    assert all(answer.startswith("v=0") for *_, answer in calls)  # Firefox's own SDP answer
    # The keypad: Firefox takes telephone-event only at 8 kHz, so the media peer offers it at 8 kHz too.
    assert all("telephone-event/8000" in answer for *_, answer in calls)
