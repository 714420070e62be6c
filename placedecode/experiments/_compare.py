"""``compare``: every (cell type, n_cells, decoder, seed, fold) as an independent joblib task."""

from __future__ import annotations

import contextlib
import dataclasses
import numbers
import os
import sys
import threading
import time
import warnings
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ._store import ResultLog, derive_seed, digest
from ._table import COLUMNS, ComparisonTable

#: Decoders available by name on the command line (``placedecode compare --decoders``).
DECODERS = {
    "linear": "LinearRegressor(fit_intercept=True): closed-form least squares with a bias",
    "numpy": "NumpyMLPRegressor(): the hand-coded NumPy network, default settings",
    "torch": "TorchMLPRegressor(): the deep PyTorch network, default settings",
    "knn": "sklearn KNeighborsRegressor(): k-nearest neighbours (k=5), a non-parametric reference",
}


def make_decoders(names) -> dict:
    """Default-configured, unfitted decoders by name (see :data:`DECODERS`).

    Parameters
    ----------
    names : iterable of str
        Keys of :data:`DECODERS`, e.g. ``["linear", "numpy", "torch"]``.

    Returns
    -------
    dict of str to estimator
    """
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in DECODERS]
    if unknown or not names:
        raise ValueError(f"unknown decoder name(s) {unknown}; choose from {sorted(DECODERS)}.")
    from .. import models

    factories = {
        "linear": lambda: models.LinearRegressor(fit_intercept=True),
        "numpy": lambda: models.NumpyMLPRegressor(),
        "torch": lambda: models.TorchMLPRegressor(),
        "knn": _knn,
    }
    return {n: factories[n]() for n in names}


def _knn():
    from sklearn.neighbors import KNeighborsRegressor

    return KNeighborsRegressor()


# ----------------------------------------------------------------------- validation
def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def mixture_label(spec: dict) -> str:
    """Label of a mixed population: ``{"place": 50, "grid": 30}`` -> ``"place:50+grid:30"``."""
    return "+".join(f"{name}:{n}" for name, n in spec.items())


def _check_int_list(values, name: str, minimum: int) -> list[int]:
    values = [values] if _is_int(values) else values
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"{name} must be an int or a list of ints; got {type(values).__name__}.") from None
    if not values:
        raise ValueError(f"{name} must not be empty.")
    bad = [v for v in values if not _is_int(v) or v < minimum]
    if bad:
        raise ValueError(f"{name} must hold ints >= {minimum}; got {bad!r} in {values!r}.")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} has duplicates: {values!r}.")
    return [int(v) for v in values]


def _check_cells(cells, n_cells) -> list[tuple[str, object, int]]:
    """``(label, spec, n_total)`` for every population: each name x each n_cells, each mixture once."""
    from ..sim import CELL_TYPES

    known = ", ".join(repr(k) for k in CELL_TYPES)
    entries = [cells] if isinstance(cells, (str, dict)) else cells
    try:
        entries = list(entries)
    except TypeError:
        raise TypeError("cells must be a cell-type name, a mapping such as {'place': 50, 'grid': 30}, "
                        f"or a list of those; got {type(cells).__name__}.") from None
    if not entries:
        raise ValueError("cells must name at least one cell type.")
    counts = _check_int_list(n_cells, "n_cells", 1) if any(isinstance(e, str) for e in entries) else []
    out = []
    for entry in entries:
        if isinstance(entry, str):
            if entry not in CELL_TYPES:
                raise ValueError(f"unknown cell type {entry!r}; known cell types: {known}.")
            out += [(entry, entry, n) for n in counts]
        elif isinstance(entry, dict):
            if not entry:
                raise ValueError("a cells mapping must name at least one cell type; got {}.")
            for name, n in entry.items():
                if name not in CELL_TYPES:
                    raise ValueError(f"unknown cell type {name!r}; known cell types: {known}.")
                if not _is_int(n) or n < 1:
                    raise ValueError(f"cells[{name!r}] must be a positive int; got {n!r}.")
            spec = {k: int(v) for k, v in entry.items()}
            out.append((mixture_label(spec), spec, sum(spec.values())))
        else:
            raise TypeError(f"each cells entry must be a name or a mapping of names to counts; got "
                            f"{type(entry).__name__} {entry!r}.")
    labels = [(label, n) for label, _, n in out]
    if len(set(labels)) != len(labels):
        raise ValueError(f"cells lists the same population twice: {[l for l, _, _ in out]}.")
    return out


def _check_decoders(decoders) -> dict:
    from sklearn.base import clone

    if not isinstance(decoders, dict):
        raise TypeError("decoders must be a dict of name -> unfitted estimator, e.g. "
                        f"{{'linear': LinearRegressor()}}; got {type(decoders).__name__}.")
    if not decoders:
        raise ValueError("decoders is empty; pass at least one, e.g. make_decoders(['linear']).")
    for name, est in decoders.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"decoder names must be non-empty strings; got {name!r}.")
        if isinstance(est, type) or not all(hasattr(est, a) for a in ("fit", "predict", "get_params")):
            raise TypeError(f"decoders[{name!r}] must be an estimator instance with fit, predict and "
                            f"get_params (scikit-learn API); got {est!r}.")
        try:
            clone(est)
        except Exception as exc:  # noqa: BLE001 - re-raised with the decoder's name
            raise TypeError(f"decoders[{name!r}] cannot be cloned with sklearn.base.clone: {exc}") from exc
    return dict(decoders)


def _check_n_jobs(n_jobs):
    if n_jobs is None:
        return None
    if not _is_int(n_jobs) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None, a positive int or a negative int (-1 = all cores); got {n_jobs!r}.")
    return int(n_jobs)


def _splits(cv, train_fraction, n_samples):
    """Folds as ``("fraction", f)`` (the time split) or ``("indices", train, test)``."""
    if cv is None:
        if not isinstance(train_fraction, numbers.Real) or not 0 < train_fraction < 1:
            raise ValueError(f"train_fraction must be a float in (0, 1); got {train_fraction!r}.")
        n_train = int(np.floor(train_fraction * n_samples + 1e-9))
        if n_train < 1 or n_train >= n_samples:
            raise ValueError(f"train_fraction={train_fraction} leaves an empty train or test set of "
                             f"{n_samples} time bins.")
        return [("fraction", float(train_fraction))]
    if _is_int(cv):
        from ..sim import BlockedTimeSeriesSplit

        cv = BlockedTimeSeriesSplit(n_splits=int(cv))
    if not (hasattr(cv, "split") and hasattr(cv, "get_n_splits")):
        raise TypeError(f"cv must be None, an int (blocked time folds) or a splitter with split() and "
                        f"get_n_splits(), e.g. BlockedTimeSeriesSplit(5); got {cv!r}.")
    return [("indices", np.asarray(tr), np.asarray(te)) for tr, te in cv.split(np.zeros((n_samples, 1)))]


# ----------------------------------------------------------------------- tasks
@dataclasses.dataclass(frozen=True)
class _Task:
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


def _recording(task: _Task, trajectory):
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


def _uses_torch(estimator) -> bool:
    """Whether the estimator (or one nested in its parameters) is a torch model."""
    objects = [estimator, *estimator.get_params(deep=True).values()]
    return any("torch" in c.__module__ for obj in objects for c in type(obj).__mro__)


def _modules_to_preload(decoders: dict) -> tuple[str, ...]:
    """Modules a worker imports before its first task (the decoders' own, and torch if used)."""
    modules = {type(d).__module__ for d in decoders.values()}
    if any(_uses_torch(d) for d in decoders.values()):
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
    if "torch" in sys.modules or _uses_torch(estimator):
        import torch

        if torch.get_num_threads() != n_threads:
            torch.set_num_threads(n_threads)


def _seed_estimator(estimator, seed: int) -> None:
    """Set every ``random_state`` parameter left at None to ``seed`` (reproducible fits)."""
    params = estimator.get_params(deep=True)
    updates = {k: seed for k, v in params.items()
               if (k == "random_state" or k.endswith("__random_state")) and v is None}
    if updates:
        estimator.set_params(**updates)


def _run_task(task: _Task, trajectory, decoder, n_threads, parent_pid, preload=()):
    """Record, split, fit, predict and score one task; failures become the row's ``error``."""
    from sklearn.base import clone

    from ..metrics import decoding_error, r2_per_axis

    if os.getpid() != parent_pid:
        _preload(preload)
        if n_threads is not None:
            _limit_threads(n_threads, decoder)
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


def _simulate(seed, minutes, dt, environment, cache, preload=()):
    """One seed's trajectory (module-level so that workers can unpickle it)."""
    from .. import sim

    _preload(preload)
    return sim.simulate_trajectory(minutes=minutes, dt=dt, environment=environment, random_state=seed,
                                   cache=cache, progress=False)


def _preflight(trajectory, populations, noise, max_fr) -> None:
    """Check every population now, so bad input fails before the tasks with the simulator's message.

    Each cell type (or mixture) is recorded on a few bins at its smallest size (building large
    boundary-vector populations takes a second), and sizes fixed by the environment (one speed
    cell; two head-direction cells in 1D) are checked for every requested size.
    """
    from .. import sim

    k = min(8, trajectory.n_samples)
    short = dataclasses.replace(
        trajectory, t=trajectory.t[:k], position=trajectory.position[:, :k],
        velocity=trajectory.velocity[:, :k], head_direction=trajectory.head_direction[:, :k],
        agent_velocity=trajectory.agent_velocity[:, :k])
    D = trajectory.n_dims
    smallest: dict = {}
    for label, spec, n in populations:
        if isinstance(spec, str) and sim.CELL_TYPES[spec].fixed_n is not None:
            fixed = sim.CELL_TYPES[spec].fixed_n(D)
            if fixed is not None and n != fixed:
                raise ValueError(f"n_cells: a {D}D environment has exactly {fixed} {spec!r} cell(s); got {n}.")
        if label not in smallest or n < smallest[label][1]:
            smallest[label] = (spec, n)
    for spec, n in smallest.values():
        sim.record(short, cells=spec, n_cells=n, noise=noise, max_fr=max_fr, random_state=0)


# ----------------------------------------------------------------------- backend
@contextlib.contextmanager
def _backend_context(backend):
    if backend is None:
        yield
        return
    from joblib import parallel_config

    with parallel_config(backend=backend):
        yield


def _backend_plan(n_jobs):
    """(workers, threads per task or None, worker processes?, return_as) for the active backend."""
    from joblib._parallel_backends import SequentialBackend, ThreadingBackend
    from joblib.parallel import get_active_backend

    active, config_n_jobs = get_active_backend()
    requested = n_jobs if n_jobs is not None else (config_n_jobs or 1)
    if isinstance(active, SequentialBackend):
        workers = 1
    else:
        workers = 1 if requested == 1 and active.__class__.__name__ != "DaskDistributedBackend" else \
            int(active.effective_n_jobs(requested))
    processes = not isinstance(active, (SequentialBackend, ThreadingBackend))
    n_threads = None
    if workers > 1 and processes:
        if active.__class__.__name__ == "DaskDistributedBackend":
            n_threads = 1  # a cluster: one task per worker thread, cores per worker unknown here
        else:
            from joblib import cpu_count

            n_threads = max(1, cpu_count() // workers)  # local processes share this machine's cores
    return_as = "generator_unordered" if active.supports_return_generator else "list"
    return workers, n_threads, processes and workers > 1, return_as


# ----------------------------------------------------------------------- compare
def compare(
    cells=("place", "grid", "boundary_vector"),
    decoders=None,
    n_cells=(25,),
    seeds=(0,),
    minutes: float = 10.0,
    dt: float = 0.1,
    noise=None,
    max_fr: float | None = None,
    environment=None,
    cv=None,
    train_fraction: float = 0.8,
    n_jobs: int | None = 1,
    backend: str | None = None,
    out=None,
    cache: bool = True,
    progress: bool = True,
) -> ComparisonTable:
    """Compare decoders across cell types, population sizes and seeds, in parallel.

    Each seed's trajectory is simulated once (or loaded from the disk cache) and shared by
    every population and decoder. Every (population, decoder, seed, fold) is then an
    independent task -- record the cells along the trajectory, split by time, fit a
    ``sklearn.base.clone`` of the decoder, predict, score -- run by joblib on ``n_jobs``
    local processes or, unchanged, on a Dask cluster (see the module docstring).

    Parameters
    ----------
    cells : str, dict or list of those, default=("place", "grid", "boundary_vector")
        Cell types from ``placedecode.CELL_TYPES``. A name is recorded once per value of
        ``n_cells``. A mapping such as ``{"place": 50, "grid": 30}`` is a mixed population
        with its own counts: it ignores ``n_cells``, is labelled ``"place:50+grid:30"`` and
        its ``n_cells`` column is the total (80).
    decoders : dict of str to estimator
        Unfitted scikit-learn-style regressors by name, e.g. ``make_decoders(["linear",
        "torch"])`` or ``{"ridge": LinearRegressor(alpha=1.0)}``. Each task fits its own
        clone. A ``random_state`` parameter left at None is set to a seed derived from
        (seed, cells, n_cells, decoder, fold), so every fit is reproducible.
    n_cells : int or list of int, default=(25,)
        Population sizes for the named cell types.
    seeds : int or list of int, default=(0,)
        One independent simulation per seed: trajectory ``simulate_trajectory(random_state=
        seed)``, cells seeded by (seed, cells, n_cells), decoder as above. Results do not
        depend on ``n_jobs``, the backend or task order.
    minutes : float, default=10.0
        Duration of each recording in minutes.
    dt : float, default=0.1
        Time bin in seconds.
    noise : None, float, "poisson" or dict, default=None
        Observation noise for :func:`placedecode.record` (Gaussian std in Hz, or Poisson
        spike counts per bin).
    max_fr : float, optional
        Peak firing rate in Hz of every population (RatInABox's default is 1 Hz; set it,
        e.g. 10, with Poisson noise).
    environment : None, dict or ratinabox Environment, default=None
        As in :func:`placedecode.simulate_trajectory` (None: the 1 m x 1 m box).
    cv : None, int or splitter, default=None
        None: one time split, the first ``train_fraction`` of the bins train (fold 0). An
        int k: ``BlockedTimeSeriesSplit(n_splits=k)``. A splitter (``split`` and
        ``get_n_splits``): one row per fold.
    train_fraction : float, default=0.8
        Fraction of bins (from the start) used for training when ``cv`` is None.
    n_jobs : int or None, default=1
        Parallel workers (joblib; -1 = all cores). None takes the value of an enclosing
        ``joblib.parallel_config``. With the Dask backend the cluster's workers are used
        whatever ``n_jobs`` is. When tasks run in several worker processes, each worker's
        BLAS/OpenMP and torch threads are capped to avoid oversubscription: at
        ``cpu_count() // n_workers`` (1 when every core has a worker) on this machine, at 1 on
        a Dask cluster.
    backend : str, optional
        A joblib backend name, e.g. ``"dask"`` (needs a running ``dask.distributed.Client``)
        or ``"loky"``. None uses joblib's active backend (loky by default, or the one set
        by the caller's ``joblib.parallel_config(backend=...)``).
    out : str or Path, optional
        Folder for results. Each finished task is appended to ``out/results.jsonl`` and
        flushed at once; calling ``compare`` again with the same ``out`` skips tasks already
        there (same cells, n_cells, decoder, seed, fold, decoder parameters and settings)
        and recomputes failed ones. At the end ``out/results.csv`` and ``out/results.md``
        hold this call's table (written atomically). (A joblib backend that cannot hand
        results back as they finish, such as "multiprocessing", logs them at the end.)
    cache : bool, default=True
        Use the on-disk trajectory cache.
    progress : bool, default=True
        tqdm progress bars over trajectories and tasks.

    Returns
    -------
    ComparisonTable
        One row per (cells, n_cells, decoder, seed, fold), in that nested order: mean and
        median decoding error on the test bins (``error_cm``, ``median_error_cm``, cm),
        ``r2`` (mean over axes), ``fit_time_s``, ``predict_time_s``, ``record_time_s``
        (s), ``n_train``, ``n_test`` and ``error`` (empty, or the exception of a failed
        task; failures warn once at the end instead of stopping the sweep).

    Raises
    ------
    ValueError, TypeError
        For bad arguments (unknown cell type, empty or non-estimator decoders, bad
        ``n_jobs``, ``train_fraction`` or ``cv``), before any task runs.

    Examples
    --------
    >>> from placedecode.experiments import compare, make_decoders
    >>> table = compare(cells=["place", "grid"], decoders=make_decoders(["linear"]),
    ...                 n_cells=[25], seeds=[1], minutes=2, progress=False)
    >>> len(table), table.columns[:5]
    (2, ['cells', 'n_cells', 'decoder', 'seed', 'fold'])
    >>> bool(table.where(cells="place")["error_cm"][0] < 20)   # chance is ~52 cm
    True
    """
    populations = _check_cells(cells, n_cells)
    if decoders is None:
        raise ValueError("decoders is required: a dict of name -> estimator, e.g. make_decoders(['linear']).")
    decoders = _check_decoders(decoders)
    seeds = _check_int_list(seeds, "seeds", 0)
    n_jobs = _check_n_jobs(n_jobs)
    if not isinstance(minutes, numbers.Real) or not minutes > 0 or not isinstance(dt, numbers.Real) or not dt > 0:
        raise ValueError(f"minutes and dt must be positive numbers; got minutes={minutes!r}, dt={dt!r}.")
    minutes, dt = float(minutes), float(dt)  # 2 and 2.0 are the same run (for resuming)
    if isinstance(noise, numbers.Real) and not isinstance(noise, bool):
        noise = float(noise)
    if isinstance(max_fr, numbers.Real) and not isinstance(max_fr, bool):
        max_fr = float(max_fr)
    n_samples = int(round(minutes * 60.0 / dt))  # as simulate_trajectory
    splits = _splits(cv, train_fraction, n_samples)
    from .. import __version__

    settings = digest({
        "version": __version__, "minutes": minutes, "dt": dt, "environment": environment,
        "noise": noise, "max_fr": max_fr, "cv": cv, "train_fraction": train_fraction if cv is None else None,
    })
    decoder_ids = {name: digest(est) for name, est in decoders.items()}

    tasks = []
    for seed in seeds:
        trajectory_key = f"{seed}-{settings[:16]}"
        for label, spec, n in populations:
            record_seed = derive_seed(seed, "record", label, n)
            for name in decoders:
                for fold, split in enumerate(splits):
                    key = digest({"settings": settings, "cells": label, "n_cells": n, "decoder": name,
                                  "decoder_params": decoder_ids[name], "seed": seed, "fold": fold})[:32]
                    tasks.append(_Task(len(tasks), key, label, spec, n, name, seed, fold, record_seed,
                                       derive_seed(seed, "decoder", label, n, name, fold), noise, max_fr,
                                       split, trajectory_key))

    log = ResultLog(out) if out is not None else None
    done = log.load() if log is not None else {}
    rows: dict[int, dict] = {t.index: {**done[t.key]} for t in tasks if t.key in done}
    todo = [t for t in tasks if t.index not in rows]

    with _backend_context(backend):
        workers, n_threads, processes, return_as = _backend_plan(n_jobs)
        preload = _modules_to_preload(decoders) if processes else ()
        trajectories = _trajectories(sorted({t.seed for t in todo}, key=seeds.index), minutes, dt,
                                     environment, cache, n_jobs, processes, progress, preload)
        if todo:
            first = trajectories[todo[0].seed]
            if first.n_samples != n_samples:  # pragma: no cover - guards the formula above
                raise RuntimeError(f"expected {n_samples} time bins, the simulator made {first.n_samples}.")
            _preflight(first, populations, noise, max_fr)
        try:
            _run(todo, len(tasks), trajectories, decoders, rows, log, n_jobs, n_threads, return_as, progress,
                 preload)
        finally:
            _RECORDINGS.clear()

    table = ComparisonTable([rows[t.index] for t in tasks])
    if out is not None:
        table.to_csv(Path(out) / "results.csv")
        from .._io import atomic_path

        with atomic_path(Path(out) / "results.md") as tmp:
            tmp.write_text(table.to_markdown() + "\n", encoding="utf-8")
    if table.n_failed:
        first_error = next(r["error"] for r in table if r["error"])
        warnings.warn(f"{table.n_failed} of {len(table)} task(s) failed (first: {first_error}); their "
                      "rows hold the exception in the 'error' column.", RuntimeWarning, stacklevel=2)
    return table


def _trajectories(seeds, minutes, dt, environment, cache, n_jobs, processes, progress, preload=()) -> dict:
    """Simulate (or load) each seed's trajectory once: in worker processes when there are some.

    Never in threads: RatInABox's Agent draws from NumPy's global generator at every step.
    """
    from tqdm.auto import tqdm

    if not seeds:
        return {}
    if processes and len(seeds) > 1:
        from joblib import Parallel, delayed

        runner = Parallel(n_jobs=n_jobs, return_as="list", batch_size=1)
        paths = runner(delayed(_simulate)(s, minutes, dt, environment, cache, preload) for s in seeds)
        return dict(zip(seeds, paths))
    from .. import sim

    out = {}
    for seed in tqdm(seeds, desc="Trajectories", unit="seed", disable=not progress, leave=False):
        out[seed] = sim.simulate_trajectory(minutes=minutes, dt=dt, environment=environment, random_state=seed,
                                            cache=cache, progress=False)
    return out


def _run(todo, n_total, trajectories, decoders, rows, log, n_jobs, n_threads, return_as, progress,
         preload=()) -> None:
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    if not todo:
        return
    parallel = Parallel(n_jobs=n_jobs, return_as=return_as, batch_size=1)
    results = parallel(
        delayed(_run_task)(t, trajectories[t.seed], decoders[t.decoder], n_threads, os.getpid(), preload)
        for t in todo
    )
    keys = {t.index: t.key for t in todo}
    failed = 0
    with contextlib.ExitStack() as stack:
        if log is not None:
            stack.enter_context(log)
        bar = stack.enter_context(tqdm(total=n_total, initial=n_total - len(todo), desc="Tasks", unit="task",
                                       disable=not progress))
        for index, row in results:
            rows[index] = row
            if log is not None:
                log.append(keys[index], row)
            failed += bool(row["error"])
            bar.update(1)
            if failed:
                bar.set_postfix(failed=failed)
