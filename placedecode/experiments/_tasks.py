"""One task of a sweep -- record, split, fit, predict, score -- as it runs in a worker.

Module-level functions only, so that joblib (loky processes, threads, a Dask cluster) can
send them to workers. A worker process started on this machine also watches the process
that started the sweep and exits as soon as that process is gone, so that killing a
sweep (Ctrl-C twice, ``kill -9``, a closed terminal) never leaves workers computing.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time
from collections import OrderedDict

import numpy as np

from ._table import COLUMNS

#: Seconds between two checks of a worker on the sweep's process.
WATCH_INTERVAL_S = 0.25


@dataclasses.dataclass(frozen=True)
class Task:
    """Everything a worker needs besides the trajectory and the decoder (all picklable)."""

    index: int
    key: str
    cells: str
    spec: object
    n_cells: int
    decoder: str
    seed: int
    fold: int
    record_seed: int
    decoder_seed: int
    noise: object
    max_fr: float | None
    split: tuple
    trajectory_key: str


_RECORDINGS: OrderedDict = OrderedDict()  # per-process cache: tasks of one population share it
_RECORDINGS_MAX = 4
# RatInABox draws from NumPy's global generator (seeded and restored around each call): with
# the threading backend, recordings must not interleave, or their numbers would depend on timing.
_RECORD_LOCK = threading.Lock()


def clear_recordings() -> None:
    """Forget the recordings this process keeps for the tasks of one population."""
    _RECORDINGS.clear()


def _recording(task: Task, trajectory):
    """The task's Recording, and whether it was computed (False: reused in this process)."""
    from .. import sim

    key = (task.trajectory_key, task.cells, task.n_cells, task.record_seed)
    with _RECORD_LOCK:
        if key in _RECORDINGS:
            _RECORDINGS.move_to_end(key)
            return _RECORDINGS[key], False
        rec = sim.record(trajectory, cells=task.spec, n_cells=task.n_cells, noise=task.noise,
                         max_fr=task.max_fr, random_state=task.record_seed)
        _RECORDINGS[key] = rec
        while len(_RECORDINGS) > _RECORDINGS_MAX:
            _RECORDINGS.popitem(last=False)
        return rec, True


# ----------------------------------------------------------------------- worker set-up
def uses_torch(estimator) -> bool:
    """Whether the estimator (or one nested in its parameters) is a torch model."""
    objects = [estimator, *estimator.get_params(deep=True).values()]
    return any("torch" in c.__module__ for obj in objects for c in type(obj).__mro__)


def modules_to_preload(decoders: dict) -> tuple[str, ...]:
    """Modules a worker imports before its first task (the decoders' own, and torch if used)."""
    modules = {type(d).__module__ for d in decoders.values()}
    if any(uses_torch(d) for d in decoders.values()):
        modules.add("torch")
    return tuple(sorted(modules))


def _preload(modules) -> None:
    """Import ``modules`` in a worker (a no-op once done).

    joblib's loky workers restart when their memory grows by more than 300 MB after their
    first task (its leak guard); importing torch halfway through looks like that, and every
    restart pays the imports again. Importing everything during the first task avoids it.
    """
    import importlib

    for name in modules:
        importlib.import_module(name)


def _limit_threads(n_threads: int, estimator) -> None:
    """Cap BLAS/OpenMP (and torch) threads in a worker process, so workers don't oversubscribe."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n_threads)  # process-wide in this worker; left in place on purpose
    if "torch" in sys.modules or uses_torch(estimator):
        import torch

        if torch.get_num_threads() != n_threads:
            torch.set_num_threads(n_threads)


_WATCHED: set[int] = set()
_WATCH_LOCK = threading.Lock()


def watch_parent(parent_pid: int) -> None:
    """In a worker process: exit (``os._exit``) as soon as process ``parent_pid`` is gone.

    A daemon thread checks every :data:`WATCH_INTERVAL_S` seconds. When ``parent_pid`` is
    this worker's parent (loky and multiprocessing workers), "gone" means the worker was
    handed to another parent, which happens the moment the parent dies, even before it is
    reaped; otherwise it means no process has that id any more.
    """
    with _WATCH_LOCK:
        if parent_pid in _WATCHED or parent_pid == os.getpid():
            return
        _WATCHED.add(parent_pid)
    direct = os.getppid() == parent_pid

    def gone() -> bool:
        if direct:
            return os.getppid() != parent_pid
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return True
        except OSError:  # exists, owned by someone else: not our parent's death
            return False
        return False

    def watch() -> None:
        while not gone():
            time.sleep(WATCH_INTERVAL_S)
        os._exit(1)

    threading.Thread(target=watch, name="placedecode-watch-parent", daemon=True).start()


def _enter_worker(parent_pid, watch, preload, n_threads, decoder) -> None:
    if os.getpid() == parent_pid:
        return
    if watch:
        watch_parent(parent_pid)
    _preload(preload)
    if n_threads is not None and decoder is not None:
        _limit_threads(n_threads, decoder)


# ----------------------------------------------------------------------- the task
def _seed_estimator(estimator, seed: int) -> None:
    """Set every ``random_state`` parameter left at None to ``seed`` (reproducible fits)."""
    params = estimator.get_params(deep=True)
    updates = {k: seed for k, v in params.items()
               if (k == "random_state" or k.endswith("__random_state")) and v is None}
    if updates:
        estimator.set_params(**updates)


def run_task(task: Task, trajectory, decoder, n_threads, parent_pid, preload=(), watch=False):
    """Record, split, fit, predict and score one task; failures become the row's ``error``.

    Returns ``(task.index, row)``; the row has every column of :data:`COLUMNS`, among them
    ``chance_error_cm``, the error of predicting the training bins' mean position.
    """
    from sklearn.base import clone

    from ..metrics import decoding_error, r2_per_axis

    _enter_worker(parent_pid, watch, preload, n_threads, decoder)
    row = {c: (np.nan if kind is float else None) for c, (kind, _) in COLUMNS.items()}
    row.update(cells=task.cells, n_cells=task.n_cells, decoder=task.decoder, seed=task.seed, fold=task.fold,
               record_time_s=0.0, n_train=0, n_test=0, error="")
    try:
        start = time.perf_counter()
        rec, fresh = _recording(task, trajectory)
        row["record_time_s"] = time.perf_counter() - start if fresh else 0.0
        if task.split[0] == "fraction":
            train, test = rec.split(task.split[1])
        else:
            train, test = rec[task.split[1]], rec[task.split[2]]
        row["n_train"], row["n_test"] = train.n_samples, test.n_samples
        mean = np.mean(train.y, axis=0)
        row["chance_error_cm"] = decoding_error(test.y, np.broadcast_to(mean, test.y.shape))
        estimator = clone(decoder)
        _seed_estimator(estimator, task.decoder_seed)
        start = time.perf_counter()
        estimator.fit(train.X, train.y)
        row["fit_time_s"] = time.perf_counter() - start
        start = time.perf_counter()
        predicted = np.asarray(estimator.predict(test.X), dtype=float)
        row["predict_time_s"] = time.perf_counter() - start
        row["error_cm"] = decoding_error(test.y, predicted)
        row["median_error_cm"] = decoding_error(test.y, predicted, reduce="median")
        row["r2"] = float(np.mean(r2_per_axis(test.y, predicted)))
    except Exception as exc:  # noqa: BLE001 - a failing task must not end the sweep
        row["error"] = f"{type(exc).__name__}: {exc}".strip()
    return task.index, row


def simulate(seed, minutes, dt, environment, cache, preload=(), parent_pid=None, watch=False):
    """One seed's trajectory (module-level so that workers can unpickle it)."""
    from .. import sim

    if parent_pid is not None:
        _enter_worker(parent_pid, watch, preload, None, None)
    else:
        _preload(preload)
    return sim.simulate_trajectory(minutes=minutes, dt=dt, environment=environment, random_state=seed,
                                   cache=cache, progress=False)
