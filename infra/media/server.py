"""The media service's HTTP face, on loopback: the mock provider asks it for offers and hands it answers.

    POST /calls                    {"call_id", "phone_number"} -> 201 {"sdp": offer}   (a peer, not ringing yet)
    POST /calls/{call_id}/dial     {"max_seconds"}             -> 204   (the scripted callee starts)
    POST /calls/{call_id}/answer   {"sdp": answer}             -> 204   (the browser's answer: media flows)
    POST /calls/{call_id}/hangup                               -> 204   (the caller hung up: media stops)
    GET  /health                                               -> 200

What the callee does is reported through the provider-events use case (`report.py`), as a status callback is.
Run by the local stack: `python -m infra.media.server --port N`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from infra.media import dtmf, loopback
from infra.media.callees import script_for
from infra.media.peer import CallPeer

log = logging.getLogger("media")
# A peer no browser answered by then (a call refused by a limit after its offer, or placed with curl alone) is
# closed quietly: nothing could hear it, and a test run placing hundreds of calls must not pile up sockets.
UNANSWERED_SECONDS = 120.0
Reporter = Callable[[str, str], Awaitable[None]]  # (call_id, status word)


class MediaService:
    def __init__(self, report: Reporter) -> None:
        self.peers: dict[str, CallPeer] = {}
        self._report = report
        self._closing: asyncio.Future[None] | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/health", self.health),
                web.post("/calls", self.create),
                web.post("/calls/{call_id}/dial", self.dial),
                web.post("/calls/{call_id}/answer", self.answer),
                web.post("/calls/{call_id}/hangup", self.hang_up),
            ]
        )
        app.on_shutdown.append(self._close_all)
        return app

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "calls": len(self.peers)})

    async def create(self, request: web.Request) -> web.Response:
        body = await _json(request)
        call_id, number = str(body.get("call_id", "")), str(body.get("phone_number", ""))
        if not call_id or call_id in self.peers:
            return web.json_response({"error": "a new call_id is required"}, status=400)

        async def report(word: str) -> None:
            await self._report(call_id, word)

        peer = CallPeer(call_id, script_for(number), report)
        self.peers[call_id] = peer
        peer.pc.on("connectionstatechange", lambda: self._forget_closed(peer))
        asyncio.get_running_loop().call_later(UNANSWERED_SECONDS, self._drop_unanswered, peer)
        return web.json_response({"sdp": await peer.offer()}, status=201)

    async def dial(self, request: web.Request) -> web.Response:
        peer = self._peer(request)
        max_seconds = (await _json(request)).get("max_seconds")
        peer.dial(int(max_seconds) if isinstance(max_seconds, int) else None)
        return web.Response(status=204)

    async def answer(self, request: web.Request) -> web.Response:
        peer = self._peer(request)
        sdp = (await _json(request)).get("sdp")
        if not isinstance(sdp, str):
            return web.json_response({"error": "sdp is required"}, status=400)
        await peer.answer(sdp)
        return web.Response(status=204)

    async def hang_up(self, request: web.Request) -> web.Response:
        peer = self._peer(request)
        self.peers.pop(peer.call_id, None)
        await peer.hang_up()
        log.info("caller hung up: media stopped", extra={"call_id": peer.call_id})
        return web.Response(status=204)

    def _peer(self, request: web.Request) -> CallPeer:
        peer = self.peers.get(request.match_info["call_id"])
        if peer is None:
            raise web.HTTPNotFound(text='{"error": "unknown call"}', content_type="application/json")
        return peer

    def _forget_closed(self, peer: CallPeer) -> None:
        if peer.pc.connectionState == "closed" and self.peers.get(peer.call_id) is peer:
            del self.peers[peer.call_id]

    def _drop_unanswered(self, peer: CallPeer) -> None:
        if peer.pc.remoteDescription is None and self.peers.get(peer.call_id) is peer:
            del self.peers[peer.call_id]
            self._closing = asyncio.ensure_future(peer.close())

    async def _close_all(self, app: web.Application) -> None:
        peers, self.peers = list(self.peers.values()), {}
        await asyncio.gather(*(peer.close() for peer in peers), return_exceptions=True)


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "a JSON object is required"}', content_type="application/json")
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="media: %(message)s")
    logging.getLogger("aioice").setLevel(logging.WARNING)
    logging.getLogger("aiortc").setLevel(logging.WARNING)
    dtmf.install()
    loopback.install()
    from infra.media.report import report_to_calls

    web.run_app(MediaService(report_to_calls()).app(), host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
