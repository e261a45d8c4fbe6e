"""A PulseAudio server with a null sink for browsers under test: headless Firefox runs WebAudio (the level
meter, the test tone) only when an audio server is there. Its own runtime folder, so it is nobody else's."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def null_sink() -> Iterator[dict[str, str]]:
    """The environment (XDG_RUNTIME_DIR) a browser reaches the server by; nothing when PulseAudio is missing."""
    if shutil.which("pulseaudio") is None:
        yield {}
        return
    runtime = tempfile.mkdtemp(prefix="pulse-")
    env = {**os.environ, "XDG_RUNTIME_DIR": runtime}
    args = ["pulseaudio", "-D", "--exit-idle-time=-1", "-n", "--load=module-null-sink sink_name=null"]
    subprocess.run([*args, "--load=module-native-protocol-unix"], env=env, check=True, capture_output=True)
    try:
        yield {"XDG_RUNTIME_DIR": runtime}
    finally:
        subprocess.run(["pulseaudio", "-k"], env=env, check=False, capture_output=True)
        shutil.rmtree(runtime, ignore_errors=True)
