"""``compare``: every (cell type, n_cells, decoder, seed, fold) as an independent joblib task.

The arguments are checked first (:mod:`._checks`), then each seed's trajectory is simulated
once, then the tasks (:mod:`._tasks`) run on the backend's workers (:mod:`._backend`) and
each finished row is appended to the results log (:mod:`._store`).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path

from .._hashing import derive_seed, digest
from . import _checks
from ._backend import backend_context, backend_plan
from ._store import KEY_VERSION, ResultLog
from ._table import ComparisonTable
from ._tasks import Task, clear_recordings, modules_to_preload, run_task, simulate


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
        "torch"])`` (the named presets of :mod:`placedecode.presets`) or ``{"ridge":
        LinearRegressor(alpha=1.0)}``. Each task fits its own
        clone. A ``random_state`` parameter left at None is set to a seed derived from
        (seed, cells, n_cells, decoder, fold), so every fit is reproducible.
    n_cells : int or list of int, default=(25,)
        Population sizes for the named cell types.
    seeds : int or list of int, default=(0,)
        One independent simulation per seed (ints in ``[0, 2**32)``): trajectory ``simulate_trajectory(random_state=
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
        The folder is checked before any work (a folder, or creatable, and writable); a
        damaged line in the log is skipped with a warning naming its line number.
    cache : bool, default=True
        Use the on-disk trajectory cache.
    progress : bool, default=True
        tqdm progress bars over trajectories and tasks.

    Returns
    -------
    ComparisonTable
        One row per (cells, n_cells, decoder, seed, fold), in that nested order: mean and
        median decoding error on the test bins (``error_cm``, ``median_error_cm``, cm),
        ``chance_error_cm`` (cm: the error of always predicting the training bins' mean
        position, the chance level of that fold),
        ``r2`` (mean over axes), ``fit_time_s``, ``predict_time_s``, ``record_time_s``
        (s), ``n_train``, ``n_test`` and ``error`` (empty, or the exception of a failed
        task; failures warn once at the end instead of stopping the sweep).

    Raises
    ------
    ValueError, TypeError
        For bad arguments, before any simulation, naming the argument: an unknown cell
        type, empty or non-estimator decoders, seeds outside ``[0, 2**32)``, a
        non-finite or non-positive ``minutes`` or ``dt`` (or a ``dt`` that leaves fewer
        than 2 time bins), a bad ``noise``, ``max_fr``, ``n_jobs``, ``backend``,
        ``train_fraction`` or ``cv``, an ``out`` that is a file or cannot be written, and
        -- from the simulator itself, on a trajectory of a few bins -- a cell type or size the
        environment cannot hold.

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
    populations = _checks.check_cells(cells, n_cells)
    decoders = _checks.check_decoders(decoders)
    seeds = _checks.check_seeds(seeds)
    n_jobs = _checks.check_n_jobs(n_jobs)
    backend = _checks.check_backend(backend)
    minutes, dt, n_samples = _checks.check_duration(minutes, dt)  # floats: 2 and 2.0 are one run
    noise, max_fr = _checks.check_noise(noise, max_fr)
    splits = _checks.splits(cv, train_fraction, n_samples)
    if out is not None:
        from .._io import check_output_folder

        out = check_output_folder(out, "out")
    with backend_context(backend):  # an unknown backend is named now, not after the simulations
        pass
    n_dims = _checks.preflight(populations, noise, max_fr, environment, dt, seeds[0], n_samples)
    _checks.check_memory(populations, noise, dt, n_samples, n_dims, len(seeds), n_jobs)
    from .. import __version__

    settings = digest({
        "key_version": KEY_VERSION, "version": __version__, "minutes": minutes, "dt": dt,
        "environment": environment, "noise": noise, "max_fr": max_fr, "cv": cv,
        "train_fraction": train_fraction if cv is None else None,
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
                    tasks.append(Task(len(tasks), key, label, spec, n, name, seed, fold, record_seed,
                                      derive_seed(seed, "decoder", label, n, name, fold), noise, max_fr,
                                      split, trajectory_key))

    log = ResultLog(out) if out is not None else None
    done = log.load() if log is not None else {}
    rows: dict[int, dict] = {t.index: {**done[t.key]} for t in tasks if t.key in done}
    todo = [t for t in tasks if t.index not in rows]

    with backend_context(backend):
        plan = backend_plan(n_jobs)
        preload = modules_to_preload(decoders) if plan.processes else ()
        trajectories = _trajectories(sorted({t.seed for t in todo}, key=seeds.index), minutes, dt,
                                     environment, cache, n_jobs, plan, progress, preload)
        if todo and trajectories[todo[0].seed].n_samples != n_samples:  # pragma: no cover - guards the formula
            raise RuntimeError(f"expected {n_samples} time bins, the simulator made "
                               f"{trajectories[todo[0].seed].n_samples}.")
        try:
            _run(todo, len(tasks), trajectories, decoders, rows, log, n_jobs, plan, progress, preload)
        finally:
            clear_recordings()

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


def _trajectories(seeds, minutes, dt, environment, cache, n_jobs, plan, progress, preload=()) -> dict:
    """Simulate (or load) each seed's trajectory once.

    Where the compiled motion model covers the environment (:mod:`placedecode.sim._motion`),
    all seeds move in one :func:`~placedecode.sim.simulate_trajectories` call, side by side in
    compiled threads: no Python runs per step or per seed. Otherwise (RatInABox's own loop) in
    worker processes when there are some -- never in threads: RatInABox's Agent draws from
    NumPy's global generator at every step.
    """
    if not seeds:
        return {}
    from .. import sim
    from ..sim._environment import make_environment
    from ..sim._motion import unsupported_reason

    if unsupported_reason(make_environment(environment)) is None:
        threads = n_jobs if n_jobs is not None and n_jobs > 0 else None
        paths = sim.simulate_trajectories(seeds, minutes=minutes, dt=dt, environment=environment, cache=cache,
                                          progress=progress, n_threads=threads)
        return dict(zip(seeds, paths))
    if plan.processes and len(seeds) > 1:
        from joblib import Parallel, delayed

        runner = Parallel(n_jobs=n_jobs, return_as="list", batch_size=1)
        paths = runner(delayed(simulate)(s, minutes, dt, environment, cache, preload, os.getpid(), plan.local)
                       for s in seeds)
        return dict(zip(seeds, paths))
    paths = sim.simulate_trajectories(seeds, minutes=minutes, dt=dt, environment=environment, cache=cache,
                                      progress=progress)
    return dict(zip(seeds, paths))


def _run(todo, n_total, trajectories, decoders, rows, log, n_jobs, plan, progress, preload=()) -> None:
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    if not todo:
        return
    parallel = Parallel(n_jobs=n_jobs, return_as=plan.return_as, batch_size=1)
    parent = os.getpid()
    results = parallel(
        delayed(run_task)(t, trajectories[t.seed], decoders[t.decoder], plan.n_threads, parent, preload,
                          plan.local)
        for t in todo
    )
    keys = {t.index: t.key for t in todo}
    failed = 0
    with contextlib.ExitStack() as stack:
        if log is not None:
            stack.enter_context(log)
        bar = stack.enter_context(tqdm(total=n_total, initial=n_total - len(todo), desc="Tasks", unit="task",
                                       disable=not progress, mininterval=0.5))
        for index, row in results:
            rows[index] = row
            if log is not None:
                log.append(keys[index], row)
            failed += bool(row["error"])
            bar.update(1)
            if failed:
                bar.set_postfix(failed=failed)
