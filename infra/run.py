"""`make run`: the whole API on http://localhost:$SERVER_PORT with the local stack, until Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import sys

from infra.settings import LOCAL_DIR, ROOT, LocalSettings, load_dotenv


def _say(message: str, **fields: object) -> None:
    print(json.dumps({"level": "INFO", "message": message, "logger": "make-run", **fields}), flush=True)


def _free_or_any(port: int) -> int:
    """LocalStack's edge port when it is free (a stable endpoint for `make invoke`), any free port otherwise."""
    import socket

    with socket.socket() as probe:
        return port if probe.connect_ex(("127.0.0.1", port)) != 0 else 0


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server the same way Ctrl-C does


def main() -> int:
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
    from infra.stack import LocalStack

    stack = LocalStack(settings, aws_port=_free_or_any(4566)).start()
    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    (LOCAL_DIR / "stack.json").write_text(json.dumps(stack.function_environment()))
    _say(
        "local stack ready",
        postgres=f"{stack.db_host}:{stack.db_port}",
        aws=os.environ["AWS_ENDPOINT_URL"],
        migrations=stack.migrated,
    )
    gateway = concurrent_gateway()
    server = http_server(gateway, "127.0.0.1", settings.server_port)
    signal.signal(signal.SIGTERM, _interrupt)
    _say(f"serving the API on http://localhost:{settings.server_port} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        gateway.close()  # every worker process stops with the gateway
        stack.stop()
        (LOCAL_DIR / "stack.json").unlink(missing_ok=True)
        _say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
