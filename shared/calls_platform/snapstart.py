"""Lambda SnapStart runtime hooks: what is frozen into the snapshot, and what each restored copy reopens.

Before the snapshot (once, when a version is published): import and wire what is the same for every copy,
the libraries, the container, the AWS clients (built, not yet connected). After each restore: drop whatever a
restored copy must not share with its siblings, so each opens its own on first use: the Postgres connection,
the AWS clients' pooled connections, cached secrets and verified tokens, and `random`'s seed.
"""

from __future__ import annotations

import random

from calls_platform import bootstrap


def before_snapshot() -> None:
    container = bootstrap.container()
    container.secrets  # noqa: B018  the Secrets Manager client: boto3 and botocore loaded, its model parsed
    container.database  # noqa: B018  the adapter only: its connection opens on the first statement
    container._client("dynamodb")
    import pg8000.native  # noqa: F401


def after_restore() -> None:
    container = bootstrap.container()
    state = vars(container)
    if "database" in state:
        container.database.close()  # a connection frozen in the snapshot would be shared by every copy
    for client in container._clients.values():
        client._endpoint.http_session.close()  # pooled sockets, likewise; new ones open on the next call
    if "secrets" in state:
        container.secrets.refresh(container.env.app_secret_id)  # a fresh cache: values as of now, not publish
    for cached in ("tokens", "auth"):  # the token key and the verified-token cache are rebuilt from the secret
        state.pop(cached, None)
    random.seed()  # from os.urandom: copies must not draw the same "random" numbers


def register() -> None:
    """Register the hooks where the runtime offers them (the library ships in Lambda's Python runtimes)."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
