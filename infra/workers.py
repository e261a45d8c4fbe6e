"""Warm Lambda containers, locally: worker processes that each serve one request at a time.

Lambda runs a function in as many containers as there are requests in flight, each with its own module
state (wiring, database connection, caches). The gateway does the same with a pool of processes: each
request goes to an idle worker, a new one starts while fewer than GATEWAY_WORKERS (default 8) exist, and
otherwise the request waits for one to free up. Races between requests are therefore real, as in AWS.

Workers fork from a server process that has already imported every function (multiprocessing's
forkserver), so a new "container" is ready in milliseconds, yet shares nothing with the others.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger("gateway")
DEFAULT_WORKERS = 8


def max_workers(env: Mapping[str, str] = os.environ) -> int:
    raw = env.get("GATEWAY_WORKERS", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_WORKERS


def hashing_workers(env: Mapping[str, str] = os.environ) -> int:
    """How many requests of a function with a reserved concurrency (those that hash passwords) run at once:
    GATEWAY_HASHING_WORKERS, by default half the cores. On Lambda each container has CPU of its own; here all
    share this machine's, so a flood of sign-ins with long passwords would take every core from other users."""
    raw = env.get("GATEWAY_HASHING_WORKERS", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else max(1, (os.cpu_count() or 2) // 2)


def reserved_functions() -> dict[str, int]:
    """function folder -> its ReservedConcurrentExecutions in template.yaml, capped by `hashing_workers`. Only a
    plain number counts: a conditional one (initiate's, a deploy parameter) reserves nothing locally."""
    from infra.template import function_dir, functions

    cap = hashing_workers()
    return {
        function_dir(props): min(int(props["ReservedConcurrentExecutions"]), cap)
        for props in functions().values()
        if isinstance(props.get("ReservedConcurrentExecutions"), int)
    }


def _serve(conn: Connection, environment: dict[str, str]) -> None:
    """A worker's life: invoke each (function, event) it is sent, until its pipe closes or it gets None."""
    import importlib
    import types
    import uuid

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the gateway stops us
    os.environ.clear()
    os.environ.update(environment)  # the environment as the gateway saw it now, not when the server forked
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if request is None:
            return
        function, event = request
        app = importlib.import_module(f"functions.{function}.app").app
        context = types.SimpleNamespace(
            aws_request_id=str(uuid.uuid4()),
            function_name=function,
            memory_limit_in_mb=512,
            invoked_function_arn=f"arn:aws:lambda:us-east-1:000000000000:function:{function}",
            get_remaining_time_in_millis=lambda: 30_000,
        )
        try:
            result = app(event, context)
        except Exception:  # the function's own guard failed: answer as API Gateway would, stay alive
            from calls_platform.web.errors import error_body, internal_error, status_of

            log.exception("function failed", extra={"function": function})
            error = internal_error()
            result = {"statusCode": status_of(error), "body": error_body(error)}
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


class Worker:
    def __init__(self, context: Any) -> None:
        self._conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, dict(os.environ)), daemon=True)
        self.process.start()
        child.close()

    def invoke(self, function: str, event: Mapping[str, Any]) -> Mapping[str, Any]:
        self._conn.send((function, event))
        result: Mapping[str, Any] = self._conn.recv()  # the function's answer, as Lambda would return it
        return result

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=2)
        self._conn.close()


class WorkerPool:
    def __init__(
        self, functions: list[str], size: int | None = None, reserved: Mapping[str, int] | None = None
    ) -> None:
        self.size = size or max_workers()
        # Like a reserved concurrency on Lambda: at most that many of the function's requests in flight; the
        # others wait for one of them before taking a worker, so other functions' requests keep theirs.
        self._reserved = {name: threading.BoundedSemaphore(n) for name, n in (reserved or {}).items()}
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["calls_platform.web.api", *(f"functions.{f}.app" for f in functions)])
        self._idle: list[Worker] = []
        self._all: list[Worker | _Starting] = []
        self._free = threading.Condition()
        self._closed = False

    @contextlib.contextmanager
    def worker(self) -> Iterator[Worker]:
        worker = self._acquire()
        healthy = False
        try:
            yield worker
            healthy = True
        finally:
            self._release(worker, healthy)

    def invoke(self, function: str, event: Mapping[str, Any]) -> Mapping[str, Any]:
        gate = self._reserved.get(function)
        with gate if gate is not None else contextlib.nullcontext(), self.worker() as worker:
            return worker.invoke(function, event)

    def _acquire(self) -> Worker:
        with self._free:
            while not self._idle and len(self._all) >= self.size and not self._closed:
                self._free.wait()
            if self._closed:
                raise RuntimeError("the gateway is stopping")
            if self._idle:
                return self._idle.pop()
            self._all.append(placeholder := _Starting())
        try:
            worker = Worker(self._context)  # a cold start, outside the lock: other requests go on meanwhile
        except BaseException:
            with self._free:
                self._all.remove(placeholder)
                self._free.notify()
            raise
        with self._free:
            self._all[self._all.index(placeholder)] = worker
        log.info("worker started", extra={"workers": len(self._all)})
        return worker

    def _release(self, worker: Worker, healthy: bool) -> None:
        with self._free:
            if healthy and not self._closed:
                self._idle.append(worker)
            elif worker in self._all:
                self._all.remove(worker)
            self._free.notify()
        if not healthy:
            worker.stop()  # a worker that died or broke its pipe is replaced by a fresh one on demand

    def close(self) -> None:
        with self._free:
            self._closed = True
            workers, self._all, self._idle = list(self._all), [], []
            self._free.notify_all()
        for worker in workers:
            if isinstance(worker, Worker):
                worker.stop()


class _Starting:
    """Holds a worker's place in the count while it starts."""
