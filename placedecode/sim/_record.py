"""Recording cell populations along a trajectory: ``record`` and ``simulate``."""

from __future__ import annotations

import numpy as np

from ._cells import CELL_TYPES, build_population, cell_parameters, evaluate, parse_cells
from ._noise import apply_noise, parse_noise
from ._random import derive_seed, resolve_seed, seeded_global_numpy
from ._recording import Population, Recording
from ._trajectory import Trajectory, _agent_host, _detach, simulate_trajectory


def record(
    trajectory: Trajectory,
    cells="place",
    n_cells: int = 25,
    cell_params: dict | None = None,
    noise=None,
    max_fr: float | None = None,
    random_state=None,
    progress: bool = False,
) -> Recording:
    """Record RatInABox cells along a trajectory, evaluating all time points at once.

    Parameters
    ----------
    trajectory : Trajectory
        From :func:`simulate_trajectory`. Its path is not changed by which cells are
        recorded: the same trajectory can feed any number of populations.
    cells : str or dict, default="place"
        A registered cell type (``placedecode.CELL_TYPES``: ``"place"``, ``"grid"``,
        ``"boundary_vector"``, ``"object_vector"``, ``"random_spatial"``,
        ``"head_direction"``, ``"velocity"``, ``"speed"``) or a mapping of types to
        counts to mix populations, e.g. ``{"place": 50, "grid": 30}``.
    n_cells : int, default=25
        Number of cells when ``cells`` is a name.
    cell_params : dict, optional
        RatInABox parameters for the cells (over placedecode's defaults: place cells
        have ``widths=0.15`` and ``place_cell_centres="uniform"``). With a mapping of
        cells, a mapping of type to parameter dict.
    noise : None, float, "poisson" or dict, default=None
        Observation noise: a Gaussian std in Hz, or Poisson spike counts per bin (then
        ``rates`` holds counts / dt in Hz; see :mod:`placedecode.sim._noise`).
    max_fr : float, optional
        Peak rate in Hz for every population (RatInABox's default is 1 Hz, which gives
        almost no spikes per 0.1 s bin; real place cells peak at 5-20 Hz). A
        ``max_fr`` in ``cell_params`` takes precedence.
    random_state : None, int or numpy Generator, default=None
        Seed for the cells' random parameters (centres, grid phases, ...) and the noise.
        The caller's global NumPy random state is left unchanged.
    progress : bool, default=False
        Progress bar over chunks for long recordings.

    Returns
    -------
    Recording
        ``rates`` (N_cells, T) in Hz, ``true_rates``, ``position`` (D, T) in metres, ...

    Examples
    --------
    >>> from placedecode import simulate_trajectory, record
    >>> traj = simulate_trajectory(minutes=1, random_state=0, progress=False)
    >>> rec = record(traj, cells={"place": 16, "grid": 8}, random_state=0)
    >>> rec.rates.shape, rec.X.shape, rec.y.shape
    ((24, 600), (600, 24), (600, 2))
    """
    if not isinstance(trajectory, Trajectory):
        raise TypeError(
            f"trajectory must be a placedecode Trajectory (from simulate_trajectory); got {type(trajectory).__name__}."
        )
    if max_fr is not None and not (np.isfinite(max_fr) and max_fr > 0):
        raise ValueError(f"max_fr must be a positive number of Hz; got {max_fr!r}.")
    noise_spec = parse_noise(noise)
    spec = parse_cells(cells, n_cells, cell_params, trajectory.n_dims)
    seed = resolve_seed(random_state)
    env = trajectory.environment

    N = sum(n for _, n, _ in spec)
    T = trajectory.n_samples
    rates = np.empty((N, T))
    cell_types = np.empty(N, dtype=object)
    per_cell: list[dict] = []
    populations = []
    with seeded_global_numpy(derive_seed(seed, "host-agent")):
        agent = _agent_host(env, {k: v for k, v in trajectory.agent_params.items()})
    try:
        start = 0
        for index, (name, n, params) in enumerate(spec):
            if max_fr is not None:
                params = {"max_fr": float(max_fr), **params}
            neurons = build_population(name, n, params, agent, seed, index)
            rows = np.arange(start, start + n)
            # RatInABox jitters line intersections (boundary/object vector cells, walls)
            # with draws from the global generator: seed those draws too.
            with seeded_global_numpy(derive_seed(seed, "evaluate", index)):
                evaluate(neurons, CELL_TYPES[name], trajectory, rates[rows[0] : rows[-1] + 1], progress=progress)
                per_cell.append(cell_parameters(neurons, CELL_TYPES[name], env))
            cell_types[rows] = name
            populations.append(Population(name, neurons, rows, np.arange(n)))
            start += n
    finally:
        _detach(agent)

    params_out = _stack_params(per_cell, [n for _, n, _ in spec], trajectory.n_dims)
    rng = np.random.default_rng(derive_seed(seed, "noise"))
    observed = apply_noise(rates, trajectory.dt, noise_spec, rng)
    return Recording(
        rates=observed,
        true_rates=rates,
        position=trajectory.position,
        t=trajectory.t,
        dt=trajectory.dt,
        cell_types=cell_types.astype(str),
        cell_params=params_out,
        velocity=trajectory.velocity,
        head_direction=trajectory.head_direction,
        environment=env,
        noise=str(noise_spec),
        seed=seed,
        populations=populations,
    )


def _stack_params(per_cell: list[dict], counts: list[int], D: int) -> dict:
    """Concatenate each population's parameters, NaN-filling those it does not have."""
    keys = sorted({k for p in per_cell for k in p})
    out = {}
    for key in keys:
        trailing = next(np.shape(p[key])[1:] for p in per_cell if key in p)
        parts = [
            np.asarray(p[key], float) if key in p else np.full((n, *trailing), np.nan)
            for p, n in zip(per_cell, counts)
        ]
        out[key] = np.concatenate(parts, axis=0)
    return out


def simulate(
    cells="place",
    n_cells: int = 25,
    minutes: float = 10.0,
    dt: float = 0.1,
    environment=None,
    agent_params: dict | None = None,
    source=None,
    cell_params: dict | None = None,
    noise=None,
    max_fr: float | None = None,
    random_state=None,
    cache: bool = True,
    progress: bool = True,
) -> Recording:
    """Simulate a trajectory and record cells along it, in one call.

    ``simulate(cells="place", n_cells=25, minutes=10, dt=0.1, random_state=0)`` is the
    tutorial's dataset: 25 place cells (width 0.15 m, centres on a 5 x 5 grid) in a
    1 m x 1 m box, 6000 samples at 0.1 s.

    Parameters are those of :func:`simulate_trajectory` and :func:`record`.
    ``random_state`` seeds both (the path and the cells draw from independent streams,
    so the path for a seed is the same whatever cells are recorded).

    Returns
    -------
    Recording

    Examples
    --------
    >>> import placedecode as pd
    >>> rec = pd.simulate(n_cells=25, minutes=1, random_state=0, progress=False)
    >>> train, test = rec.split(0.8)
    >>> train.X.shape, test.y.shape
    ((480, 25), (120, 2))
    """
    given = random_state is not None
    seed = resolve_seed(random_state)
    trajectory = simulate_trajectory(
        minutes=minutes,
        dt=dt,
        environment=environment,
        agent_params=agent_params,
        source=source,
        random_state=seed if given else None,
        cache=cache,
        progress=progress,
    )
    return record(
        trajectory,
        cells=cells,
        n_cells=n_cells,
        cell_params=cell_params,
        noise=noise,
        max_fr=max_fr,
        random_state=seed,
        progress=progress,
    )
