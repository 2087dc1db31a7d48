"""Code a stream of units on every core, in order, with bounded memory.

The main process reads the input and writes the output; worker processes, forked after the
spaCy model and the compiled grid are loaded (so they share them, copy-on-write), code batches
of units. At most a few batches are in flight, so memory stays bounded whatever the input size.
Small inputs, and platforms without ``fork``, are coded in the main process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

from cloterres.engine.coding import Coder

T = TypeVar("T")
R = TypeVar("R")

BATCH = 500
PARALLEL_FROM = 4 * BATCH  # below this many units, forking costs more than it saves
IN_FLIGHT_PER_WORKER = 3

_worker_coder: Coder | None = None  # set in each worker process by _init_worker


def _init_worker(coder: Coder) -> None:
    global _worker_coder
    _worker_coder = coder


def _run_batch(task: Callable[[Coder, T], R], items: list[T]) -> list[R]:
    assert _worker_coder is not None
    return [task(_worker_coder, item) for item in items]


def default_workers() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, min(available, 8))


def code_stream(
    coder: Coder,
    items: Iterable[T],
    task: Callable[[Coder, T], R],
    *,
    workers: int | None = None,
) -> Iterator[tuple[T, R]]:
    """Yield (item, task(coder, item)) for every item, in input order.

    ``task`` must be a module-level function: it runs in the worker processes, where it codes
    the item and may also render it for the output (a JSON line, a CSV row), so that the main
    process only reads and writes.
    """
    workers = default_workers() if workers is None else max(1, workers)
    iterator = iter(items)
    head = list(islice(iterator, PARALLEL_FROM))
    fork_ok = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or len(head) < PARALLEL_FROM or not fork_ok:
        for item in head:
            yield item, task(coder, item)
        for item in iterator:
            yield item, task(coder, item)
        return

    def batches() -> Iterator[list[T]]:
        pending = head
        while pending:
            for start in range(0, len(pending), BATCH):
                yield pending[start : start + BATCH]
            pending = list(islice(iterator, BATCH * 8))

    context = multiprocessing.get_context("fork")
    # Objects that exist now (the model, the compiled grid) move to a permanent generation, so
    # the workers' garbage collector never writes to their pages: they stay shared, not copied.
    gc.freeze()
    # concurrent.futures shuts its workers down cleanly (multiprocessing.Pool's terminate() can
    # deadlock on the queue lock that idle workers hold).
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(coder,)
    ) as executor:
        in_flight: deque[tuple[list[T], Future[list[R]]]] = deque()
        limit = workers * IN_FLIGHT_PER_WORKER
        try:
            for batch in batches():
                in_flight.append((batch, executor.submit(_run_batch, task, batch)))
                if len(in_flight) >= limit:
                    done, future = in_flight.popleft()
                    yield from zip(done, future.result(), strict=True)
            while in_flight:
                done, future = in_flight.popleft()
                yield from zip(done, future.result(), strict=True)
        finally:
            for _batch, future in in_flight:
                future.cancel()
            gc.unfreeze()
