"""`make run` stops everything it started on SIGINT or SIGTERM, even when signalled again while stopping;
a taken AWS port never hangs it. Each run here uses its own ports and data directory (never :8080)."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.embedded_postgres import EmbeddedPostgres
from infra.local_aws import MotoServer, free_port
from infra.settings import ROOT


class Run:
    """`python -m infra.run` (what `make run` runs) in a subprocess, its output lines read as they come."""

    def __init__(self, local_dir: Path) -> None:
        self.local_dir = local_dir
        self.server_port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}",
            "CALLS_LOCAL_DIR": str(local_dir),
            "SERVER_PORT": str(self.server_port),
            "POSTGRES_PORT": str(free_port()),
        }
        for name in ("POSTGRES_HOST", "AWS_ENDPOINT_URL", "LOCALSTACK_HOST", "JWT_SECRET"):
            env.pop(name, None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "infra.run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, message: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, "make run exited:\n" + "".join(self.seen)
                continue
            self.seen.append(line)
            if line.startswith("{") and json.loads(line).get("message") == message:
                return
        pytest.fail(f"no {message!r} from make run:\n" + "".join(self.seen))

    def healthy(self) -> bool:
        url = f"http://127.0.0.1:{self.server_port}/api/health"
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200

    def finish(self, timeout: float = 60) -> str:
        self.proc.wait(timeout=timeout)
        time.sleep(0.1)  # let the reader drain
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def leftovers(self) -> str:
        """Processes still running on this run's data directory (the embedded Postgres)."""
        found = subprocess.run(["pgrep", "-af", str(self.local_dir)], capture_output=True, text=True, check=False)
        return found.stdout

    def port_open(self, port: int) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    started = Run(tmp_path)
    yield started
    if started.proc.poll() is None:
        started.proc.kill()
        started.proc.wait(timeout=30)
    EmbeddedPostgres(tmp_path / "pgdata", 0, "", "", "").wipe()  # whatever a failed test left


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_everything_it_started(run, sig):
    run.wait_for("local stack ready")
    run.wait_for(f"serving the API on http://localhost:{run.server_port} (Ctrl-C to stop)")
    assert run.healthy()
    assert run.leftovers()  # the embedded Postgres runs on the run's data directory
    run.proc.send_signal(sig)
    output = run.finish()
    assert run.proc.returncode == 0, output
    assert '"message": "stopped"' in output
    assert run.leftovers() == ""
    assert not run.port_open(run.server_port)
    assert not (run.local_dir / "stack.json").exists()


def test_signals_while_stopping_do_not_cut_the_cleanup_short(run):
    run.wait_for(f"serving the API on http://localhost:{run.server_port} (Ctrl-C to stop)")
    run.proc.send_signal(signal.SIGINT)
    run.wait_for("stopping the local stack")
    while run.proc.poll() is None:  # keep interrupting until it has stopped
        run.proc.send_signal(signal.SIGTERM)
        run.proc.send_signal(signal.SIGINT)
        time.sleep(0.02)
    output = run.finish()
    assert '"message": "still stopping the local stack"' in output
    assert '"message": "stopped"' in output and run.proc.returncode == 0, output
    assert run.leftovers() == ""


def test_a_signal_during_startup_leaves_nothing_running(run):
    deadline = time.monotonic() + 60
    while not (run.local_dir / "pgdata" / "postmaster.pid").exists():  # Postgres is starting
        assert time.monotonic() < deadline and run.proc.poll() is None
        time.sleep(0.01)
    run.proc.send_signal(signal.SIGTERM)
    run.proc.send_signal(signal.SIGTERM)
    output = run.finish()
    assert run.leftovers() == "", output
    assert '"message": "stopped"' in output


def test_a_taken_aws_port_gets_another_port_at_once():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        moto = MotoServer(port)
        started = time.monotonic()
        moto.start()  # moto's own threaded server waits forever here
        try:
            assert time.monotonic() - started < 5
            assert moto.port not in (port, 0)
            # The dashboard page is static; data.json would dump every model this test process holds.
            with urllib.request.urlopen(f"{moto.endpoint}/moto-api/", timeout=10) as response:
                assert response.status == 200
        finally:
            moto.stop()
