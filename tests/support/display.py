"""An X server without a screen (Xvfb) for browsers that have no headless mode (WebKitGTK's MiniBrowser)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def virtual_display() -> Iterator[str]:
    """A free display number (":N") served by Xvfb while the block runs."""
    if shutil.which("Xvfb") is None:
        raise FileNotFoundError("Xvfb")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1400x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def environ_with(display: str, extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra, "DISPLAY": display}
