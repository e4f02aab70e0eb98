"""Worker processes that stop when they are told to, and never outlive their parent.

Build and report workers ignore Ctrl-C (the parent alone decides, then ends
them), and each watches its parent: when the parent dies, even by SIGKILL,
the worker exits within a second (on Linux at once, through
``PR_SET_PDEATHSIG``). A notebook kernel watches its worker the same way
(ipykernel's parent poller), so it follows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor

POLL = 0.5


def init_worker(parent_pid: int) -> None:
    """The initializer of every worker process (``ProcessPoolExecutor(initializer=…)``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's handler
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), daemon=True, name="policystats-parent-watch").start()


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(POLL)
        if os.getppid() != parent_pid:
            os._exit(1)


def stop_pool(pool: Executor) -> None:
    """Cancel the work not started yet and end the workers now (not after their current task)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    result_writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)  # gone after shutdown()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=5)
    if result_writer is not None:
        _close_result_pipe(result_writer)
    # Let the pool's manager thread wind up (it closes its wake-up pipe) before the
    # interpreter exits: otherwise the exit hook of concurrent.futures may write to
    # that pipe while the thread closes it, and print a traceback (Bad file descriptor).
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(timeout=5)


def _close_result_pipe(writer) -> None:
    """Close this process's write end of the pool's result pipe, once its workers are gone.

    A worker ended while it was sending a large result leaves half a message
    in the pipe, and the pool's manager thread waits for the rest for ever
    (the interpreter then hangs at exit, joining that thread). With every
    write end closed, its read ends with EOFError, which the pool takes as
    broken, and the thread winds up.
    """
    with contextlib.suppress(OSError):
        writer.close()


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that the same clean-up runs as for Ctrl-C."""


_received: list[type[KeyboardInterrupt]] = []  # the signals seen inside terminate_as_interrupt, sticky


def raise_if_interrupted() -> None:
    """Raise again a Ctrl-C or SIGTERM that was received but whose exception got lost.

    A signal's exception is raised wherever the main thread happens to be; when
    that is a finaliser (``__del__``, a weakref callback run by the garbage
    collector), Python reports it as "Exception ignored" and carries on. The
    handler therefore also records the signal, and long loops call this at safe
    points, so that no interrupt is ever swallowed.
    """
    if _received:
        raise _received[0]()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, Ctrl-C raises KeyboardInterrupt and SIGTERM ``Terminated`` (the command line's ``main``).

    SIGINT is set explicitly: a process started in the background by a
    script inherits it ignored, and Python then never raises KeyboardInterrupt.
    """

    def on_term(signum, frame):
        _received.append(Terminated)
        raise Terminated()

    def on_int(signum, frame):
        _received.append(KeyboardInterrupt)
        raise KeyboardInterrupt()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {signal.SIGTERM: signal.signal(signal.SIGTERM, on_term)}
    old[signal.SIGINT] = signal.signal(signal.SIGINT, on_int)
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)
        _received.clear()
