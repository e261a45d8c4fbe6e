"""Lambda SnapStart runtime hooks: what is frozen into the snapshot, and what each restored copy reopens.

Before the snapshot (once, when a version is published): import and wire what is the same for every copy,
the libraries, the container, the AWS clients (built, not yet connected). After each restore: drop whatever a
restored copy must not share with its siblings, so each opens its own on first use: the Postgres connection,
the AWS clients' pooled connections, cached secrets and verified tokens, and `random`'s seed.

The wiring registers the hooks with its own `container` getter: this module imports nothing of it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Protocol


class Wiring(Protocol):
    def warm(self) -> None: ...

    def forget_shared_state(self) -> None: ...


_container: Callable[[], Wiring] | None = None


def before_snapshot() -> None:
    if _container is not None:
        _container().warm()
    import pg8000.native  # noqa: F401


def after_restore() -> None:
    if _container is not None:
        _container().forget_shared_state()
    random.seed()  # from os.urandom: copies must not draw the same "random" numbers


def register(container: Callable[[], Wiring]) -> None:
    """Register the hooks where the runtime offers them (the library ships in Lambda's Python runtimes)."""
    global _container
    _container = container
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
