"""Which joblib backend runs a sweep, and how many workers and threads it gets."""

from __future__ import annotations

import contextlib
import dataclasses


@dataclasses.dataclass(frozen=True)
class Plan:
    """How the tasks of one ``compare`` call run.

    Attributes
    ----------
    workers : int
        Tasks running at once.
    n_threads : int or None
        BLAS/torch threads per task in worker processes (None: leave them alone).
    processes : bool
        Whether tasks run in other processes (more than one worker, not threads).
    local : bool
        Whether those processes are children of this one on this machine (loky,
        multiprocessing), so that they can watch it and exit with it; False on a cluster.
    return_as : str
        joblib's ``return_as``: results as they finish when the backend can.
    """

    workers: int
    n_threads: int | None
    processes: bool
    local: bool
    return_as: str


@contextlib.contextmanager
def backend_context(backend):
    """Run the block under joblib backend ``backend`` (None: the caller's active one)."""
    if backend is None:
        yield
        return
    from joblib import parallel_config

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(parallel_config(backend=backend))
        except ValueError as exc:
            raise ValueError(f"backend={backend!r} cannot be used here: {exc}") from None
        yield


def backend_plan(n_jobs) -> Plan:
    """The :class:`Plan` for the active backend and ``n_jobs``."""
    from joblib._parallel_backends import SequentialBackend, ThreadingBackend
    from joblib.parallel import get_active_backend

    active, config_n_jobs = get_active_backend()
    dask = active.__class__.__name__ == "DaskDistributedBackend"
    requested = n_jobs if n_jobs is not None else (config_n_jobs or 1)
    if isinstance(active, SequentialBackend):
        workers = 1
    else:
        workers = 1 if requested == 1 and not dask else int(active.effective_n_jobs(requested))
    processes = not isinstance(active, (SequentialBackend, ThreadingBackend))
    n_threads = None
    if workers > 1 and processes:
        if dask:
            n_threads = 1  # a cluster: one task per worker thread, cores per worker unknown here
        else:
            from joblib import cpu_count

            n_threads = max(1, cpu_count() // workers)  # local processes share this machine's cores
    return_as = "generator_unordered" if active.supports_return_generator else "list"
    return Plan(workers, n_threads, processes and workers > 1, processes and not dask, return_as)
