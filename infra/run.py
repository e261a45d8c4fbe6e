"""`make run`: the whole API on http://localhost:$SERVER_PORT with the local stack, until Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys

from infra.settings import LOCAL_DIR, ROOT, LocalSettings, load_dotenv


def _say(message: str, **fields: object) -> None:
    try:
        print(json.dumps({"level": "INFO", "message": message, "logger": "make-run", **fields}), flush=True)
    except OSError:  # nobody reads our output any more (`make run | head`, a closed terminal): go on quietly
        _quiet()


def _quiet() -> None:
    """Standard output to /dev/null from now on: a failed write must never cut the cleanup short (it once
    left the embedded Postgres running after `make run`'s reader went away)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    with contextlib.suppress(OSError):
        sys.stdout.flush()  # what the failed write left in the buffer now goes nowhere


# LocalStack's edge port: moto takes it when it is free (a familiar endpoint), any free port otherwise.
EDGE_PORT = 4566

_stopping = False


def _on_signal(signum: int, _frame: object) -> None:
    """SIGINT (Ctrl-C) or SIGTERM: stop. Another one while stopping is noted and ignored, so the cleanup
    runs to its end: an interrupted stop once left the embedded Postgres running."""
    global _stopping
    if _stopping:
        _say("still stopping the local stack", signal=signal.Signals(signum).name)
        return
    _stopping = True
    raise KeyboardInterrupt


def main() -> int:
    global _stopping
    signal.signal(signal.SIGINT, _on_signal)  # also where a non-interactive shell started us ignoring it
    signal.signal(signal.SIGTERM, _on_signal)
    load_dotenv(ROOT / ".env")
    settings = LocalSettings.from_env()
    from calls_platform.adapters.tokens import check_secret
    from calls_platform.domain.errors import ConfigurationError

    try:
        check_secret(settings.jwt_secret)
    except ConfigurationError as error:
        print(f"JWT_SECRET refused: {error.message} (set it in .env)", file=sys.stderr)
        return 2

    from infra.gateway import concurrent_gateway, http_server
    from infra.schedules import Schedules
    from infra.stack import LocalStack

    stack = LocalStack(settings, aws_port=EDGE_PORT)
    server = gateway = schedules = None
    try:
        stack.start()
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        (LOCAL_DIR / "stack.json").write_text(json.dumps(stack.function_environment()))
        if stack.moto is not None and stack.moto.port != EDGE_PORT:
            _say(f"port {EDGE_PORT} is taken: the local AWS endpoint is on port {stack.moto.port}")
        _say(
            "local stack ready",
            postgres=f"{stack.db_host}:{stack.db_port}",
            aws=os.environ["AWS_ENDPOINT_URL"],
            migrations=stack.migrated,
            media_peer=stack.media.url if stack.media else "none (Twilio mode)",
        )
        gateway = concurrent_gateway()
        try:
            server = http_server(gateway, "127.0.0.1", settings.server_port)
        except OSError as error:
            print(f"cannot serve on port {settings.server_port} ({error.strerror}): set SERVER_PORT", file=sys.stderr)
            return 1
        schedules = Schedules.from_template().start()  # the sweep, on the template's rate
        _say(f"serving the API on http://localhost:{settings.server_port} (Ctrl-C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        _stopping = True  # however the run ended, a signal no longer interrupts the cleanup
        _say("stopping the local stack")
        if schedules is not None:
            schedules.stop()
        if server is not None:
            server.server_close()
        if gateway is not None:
            gateway.close()  # every worker process stops with the gateway
        stack.stop()
        (LOCAL_DIR / "stack.json").unlink(missing_ok=True)
        _say("stopped")
        for sig in (signal.SIGINT, signal.SIGTERM):  # all is stopped: a late signal must not fail the exit
            signal.signal(sig, signal.SIG_IGN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
