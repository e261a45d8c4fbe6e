"""A private PostgreSQL server from the `pgserver` wheel, listening on 127.0.0.1 like a real one.

pgserver's own `get_server` listens on a unix socket only; this uses its binaries and its root handling
(postgres refuses to run as root, so it runs as the system user `pgserver`) and listens on TCP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pg8000.native

SYSTEM_USER = "pgserver"


# pgserver's import asks platformdirs for a private runtime dir; give it one instead of a warning.
_RUNTIME = Path(tempfile.gettempdir()) / f"calls-platform-runtime-{os.getuid()}"
_RUNTIME.mkdir(mode=0o700, exist_ok=True)
os.environ.setdefault("XDG_RUNTIME_DIR", str(_RUNTIME))


def _bin(name: str) -> str:
    from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class EmbeddedPostgres:
    def __init__(self, datadir: Path, port: int, user: str, password: str, database: str) -> None:
        self.datadir = datadir.resolve()
        self.port = port
        self.user = user
        self.password = password
        self.database = database

    def _run(self, args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            user=SYSTEM_USER if _as_root() else None,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd="/",
        )

    def _prepare_permissions(self) -> None:
        if not _as_root():
            return
        from pgserver._commands import POSTGRES_BIN_PATH
        from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        entry = ensure_user_exists(SYSTEM_USER)
        if entry is None:  # pgserver creates the user when missing
            raise RuntimeError(f"could not create the system user {SYSTEM_USER!r} for Postgres")
        import stat

        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)
        ensure_prefix_permissions(self.datadir)
        os.chown(self.datadir, entry.pw_uid, entry.pw_gid)

    def _initdb(self) -> None:
        with tempfile.NamedTemporaryFile("w", delete=False, dir="/tmp") as pwfile:
            pwfile.write(self.password)
        os.chmod(pwfile.name, 0o644)
        try:
            result = self._run(
                [
                    _bin("initdb"),
                    "-D",
                    str(self.datadir),
                    "-U",
                    self.user,
                    "-E",
                    "UTF8",
                    "--no-instructions",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    f"--pwfile={pwfile.name}",
                ]
            )
        finally:
            os.unlink(pwfile.name)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{result.stderr}")

    def running(self) -> bool:
        return self._run([_bin("pg_ctl"), "-D", str(self.datadir), "status"]).returncode == 0

    def start(self) -> None:
        self.datadir.mkdir(parents=True, exist_ok=True)
        self._prepare_permissions()
        if not (self.datadir / "PG_VERSION").exists():
            self._initdb()
        if self.running():  # left over by a process that was killed: stop it, then start cleanly
            self.stop()
        options = f"-h 127.0.0.1 -p {self.port} -k {self.datadir}"
        log_file = self.datadir / "server.log"
        result = self._run(
            [_bin("pg_ctl"), "-D", str(self.datadir), "-w", "-t", "30", "-l", str(log_file), "-o", options, "start"]
        )
        if result.returncode != 0:
            tail = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
            raise RuntimeError(f"embedded Postgres did not start on port {self.port}:\n{result.stderr}\n{tail}")
        self._ensure_role_and_database()

    def _ensure_role_and_database(self) -> None:
        # Over the unix socket (trust): set the password the configuration asks for, create the database.
        conn = self._socket_connection("postgres")
        try:
            conn.run(
                f"ALTER ROLE {pg8000.native.identifier(self.user)} PASSWORD {pg8000.native.literal(self.password)}"
            )
            if not conn.run("SELECT 1 FROM pg_database WHERE datname = :d", d=self.database):
                conn.run(f"CREATE DATABASE {pg8000.native.identifier(self.database)}")
        finally:
            conn.close()

    def _socket_connection(self, database: str) -> pg8000.native.Connection:
        deadline = time.monotonic() + 10
        while True:
            try:
                return pg8000.native.Connection(
                    self.user, unix_sock=str(self.datadir / f".s.PGSQL.{self.port}"), database=database
                )
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        self._run([_bin("pg_ctl"), "-D", str(self.datadir), "-w", "-m", "fast", "stop"])

    def wipe(self) -> None:
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)
