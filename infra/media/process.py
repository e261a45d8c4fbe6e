"""The media service as the local stack runs it: its own process (aiortc's event loop and threads stay out of
the gateway), on a free loopback port, with the functions' environment; stopped with the stack."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from infra.local_aws import free_port
from infra.settings import ROOT

READY_SECONDS = 20.0


class MediaPeerProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "shared")])}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "infra.media.server", "--port", str(self.port)], cwd=ROOT, env=env
        )
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the media service exited with {self._process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the media service did not answer in time")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
