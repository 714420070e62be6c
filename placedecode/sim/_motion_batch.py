"""Many seeds at once: one trajectory per seed, the seeds side by side in compiled code."""

from __future__ import annotations

import numbers
import os

from ._checks import check_positive_int
from ._random import resolve_seed


def simulate_trajectories(
    seeds,
    minutes: float = 10.0,
    dt: float = 0.1,
    environment=None,
    agent_params: dict | None = None,
    cache: bool = True,
    progress: bool = True,
    engine: str = "auto",
    n_threads: int | None = None,
) -> list:
    """Simulate one trajectory per seed, as many ``simulate_trajectory`` calls but in one pass.

    With the fast engine the Agents of all seeds move in one compiled loop, the seeds shared
    among ``n_threads`` threads (the loop runs without the GIL): no Python runs per step, so a
    sweep over seeds costs the compiled steps alone. Each path is exactly the one
    ``simulate_trajectory(random_state=seed, ...)`` returns for the same arguments, and is
    cached (and looked up in the cache) per seed in the same way. When the engine resolves to
    ``"ratinabox"`` (see ``engine``) the seeds are simulated one after another with RatInABox.

    Parameters
    ----------
    seeds : sequence of int
        One trajectory per seed (each an int in [0, 2**32)).
    minutes, dt, environment, agent_params, cache, progress, engine
        As in :func:`simulate_trajectory` (``minutes`` per seed; ``dt`` in s).
    n_threads : int, optional
        Threads for the seeds (default: one per core, at most one per seed). Memory: the
        outputs of all seeds are allocated together, 4 x D x T x 8 bytes per seed (1 h at
        dt 0.01 s in 2D: 23 MB per seed).

    Returns
    -------
    list of Trajectory
        In the order of ``seeds``.

    Examples
    --------
    >>> import placedecode as pdc
    >>> paths = pdc.simulate_trajectories([0, 1, 2], minutes=1, progress=False)
    >>> [p.position.shape for p in paths]
    [(2, 600), (2, 600), (2, 600)]
    >>> same = pdc.simulate_trajectory(minutes=1, random_state=1, progress=False)
    >>> bool(abs(paths[1].position - same.position).max() < 1e-6)
    True
    """
    from ._trajectory import _cache_key, _finish, _from_cache, _prepare, _run_agent

    seeds = _check_seeds(seeds)
    if n_threads is not None:
        n_threads = check_positive_int(n_threads, "n_threads")
    spec = _prepare(minutes, dt, environment, agent_params, None, engine)
    keys = {seed: _cache_key(spec, seed) if cache else None for seed in seeds}
    done = {seed: _from_cache(spec, keys[seed], seed) for seed in keys}
    todo = [seed for seed, hit in done.items() if hit is None]
    if todo and spec.engine == "fast":
        from ._motion import run_fast

        threads = n_threads if n_threads is not None else _usable_cores()
        arrays = run_fast(spec.env, spec.agent_params, spec.n_steps, todo, progress, n_threads=threads)
        for seed, a in zip(todo, arrays):
            done[seed] = _finish(spec, a, seed, keys[seed])
    elif todo:
        from tqdm.auto import tqdm

        for seed in tqdm(todo, desc="Trajectories", unit="seed", disable=not progress, leave=False):
            a = _run_agent(spec.env, spec.agent_params, spec.n_steps, seed, None, None, False)
            done[seed] = _finish(spec, a, seed, keys[seed])
    return [done[seed] for seed in seeds]


def _check_seeds(seeds) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of ints; got {type(seeds).__name__} {seeds!r}.")
    seeds = list(seeds)
    out = []
    for i, seed in enumerate(seeds):
        if isinstance(seed, (bool,)) or not isinstance(seed, numbers.Integral):
            raise TypeError(
                f"seeds[{i}] must be an int (each path must be reproducible); got {type(seed).__name__} {seed!r}."
            )
        out.append(resolve_seed(int(seed), name=f"seeds[{i}]"))
    return out


def _usable_cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
