"""ICE on loopback only: the media service offers 127.0.0.1 and nothing else (aioice leaves loopback out)."""

from __future__ import annotations

import aioice.ice


def install() -> None:
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []
