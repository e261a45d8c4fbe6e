"""A local fake of Twilio's Calls API, for the real `twilio` client to talk HTTP to.

It records every request (so tests can assert exactly what was sent) and answers what the test scripts:
created calls, hang-ups, or Twilio's error responses.

By hand, for `make run` in Twilio mode without an account (it prints the settings to use):
    python -m tests.fakes.twilio_server --port 8090
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, list[str]]
    auth: tuple[str, str]

    def one(self, name: str) -> str:
        return self.form[name][0]


@dataclass
class FakeTwilio:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "fake-auth-token"
    requests: list[Recorded] = field(default_factory=list)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    callback_urls: dict[str, str] = field(default_factory=dict)  # by SID: where Twilio would send its callbacks
    scripted: deque[tuple[int, dict[str, Any]]] = field(
        default_factory=deque
    )  # (status, body) answered before normal handling
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._running().server_address[1]}"

    def _running(self) -> ThreadingHTTPServer:
        if self.server is None:
            raise RuntimeError("the fake Twilio is not started")
        return self.server

    def fail_next(self, status: int, code: int, message: str = "scripted failure", times: int = 1) -> None:
        for _ in range(times):
            self.scripted.append((status, {"code": code, "message": message, "status": status}))

    def creates(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/Calls.json")]

    def updates(self) -> list[Recorded]:
        return [r for r in self.requests if not r.path.endswith("/Calls.json")]

    def start(self, port: int = 0, echo: bool = False) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                user, _, password = base64.b64decode(self.headers["Authorization"].split()[1]).decode().partition(":")
                fake.requests.append(Recorded("POST", self.path, form, (user, password)))
                status, body = fake.handle(self.path, form, user, password)
                if echo:
                    print(
                        json.dumps({"request": self.path, "form": form, "status": status, "answer": body}), flush=True
                    )
                self._answer(status, body)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        server = self._running()
        server.shutdown()
        server.server_close()

    def handle(self, path: str, form: dict[str, list[str]], user: str, password: str) -> tuple[int, dict[str, Any]]:
        if (user, password) != (self.account_sid, self.auth_token):
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if self.scripted:
            return self.scripted.popleft()
        prefix = f"/2010-04-01/Accounts/{self.account_sid}/Calls"
        if path == prefix + ".json":
            sid = "CA" + uuid.uuid4().hex
            self.calls[sid] = {"sid": sid, "status": "queued", "to": form["To"][0], "from": form["From"][0]}
            self.callback_urls[sid] = form.get("StatusCallback", [""])[0]
            return 201, self.calls[sid]
        sid = path.removeprefix(prefix + "/").removesuffix(".json")
        if sid not in self.calls:
            return 404, {"code": 20404, "message": "not found", "status": 404}
        return self._update(self.calls[sid], form.get("Status", [""])[0])

    @staticmethod
    def _update(call: dict[str, Any], status: str) -> tuple[int, dict[str, Any]]:
        # Twilio: canceled affects only queued/ringing calls; completed ends an in-progress one.
        if call["status"] in ("completed", "canceled", "busy", "failed", "no-answer"):
            return 400, {"code": 21220, "message": "Call is not in-progress. Cannot redirect.", "status": 400}
        if status == "canceled" and call["status"] in ("queued", "ringing"):
            call["status"] = "canceled"
        elif status == "completed":
            call["status"] = "completed"
        return 200, call


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="A local fake of Twilio's Calls API (development aid).")
    parser.add_argument("--port", type=int, default=8090)
    port = parser.parse_args().port
    fake = FakeTwilio().start(port, echo=True)
    print(
        "fake Twilio on " + fake.base_url + "; run the API with:\n"
        f"  VOIP_PROVIDER=twilio VOIP_API_BASE_URL={fake.base_url} VOIP_ACCOUNT_SID={fake.account_sid}"
        f" VOIP_AUTH_TOKEN={fake.auth_token} VOIP_FROM_NUMBER=+15005550006"
        f" VOIP_API_KEY_SID=SK{'0' * 32} VOIP_API_KEY_SECRET=local-fake-api-key-secret make run",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
