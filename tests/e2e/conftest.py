from __future__ import annotations

import threading

import pytest

from infra.gateway import LocalGateway, http_server, routes_table
from infra.local_aws import free_port


@pytest.fixture
def base_url(db):
    """The local API Gateway over real HTTP, serving every function as `make run` does."""
    server = http_server(LocalGateway(routes_table()), "127.0.0.1", free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
