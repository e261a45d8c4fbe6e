"""Build on first use: a stand-in that builds its object when one of its members is first used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast


class _Lazy[T]:
    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._target: T | None = None

    def __getattr__(self, name: str) -> Any:
        if self._target is None:
            self._target = self._build()
        return getattr(self._target, name)


def lazy[T](build: Callable[[], T]) -> T:
    """A stand-in for what `build` returns, built on first use. It is typed as that object, so wherever the
    stand-in goes mypy checks the built object against the port (the one place the proxy passes as its target)."""
    return cast(T, _Lazy(build))


def is_built(member: object) -> bool:
    """Whether a `lazy` stand-in has built its object (anything else is built already)."""
    return not isinstance(member, _Lazy) or member._target is not None
