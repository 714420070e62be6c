"""Recording cell populations along a trajectory: ``record`` and ``simulate``."""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _ratinabox as rb
from ._cell_checks import check_rate_range
from ._cell_params import cell_parameters, stack_params
from ._coverage import check_coverage
from ._evaluate import evaluate_populations
from ._memory import check_memory, estimate_memory, n_bins
from ._noise import apply_noise, parse_noise
from ._random import derive_seed, resolve_seed
from ._recording import Population, Recording
from ._spec import build_order, build_population, parse_cells
from ._trajectory import Trajectory, simulate_trajectory


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
    """Record RatInABox cells along a trajectory, evaluating all time points at once where valid.

    Parameters
    ----------
    trajectory : Trajectory
        From :func:`simulate_trajectory`. Its path is not changed by which cells are
        recorded: the same trajectory can feed any number of populations.
    cells : str, type, Neurons or dict, default="place"
        A registered cell type (``placedecode.CELL_TYPES``: ``"place"``, ``"grid"``,
        ``"boundary_vector"``, ``"object_vector"``, ``"random_spatial"``,
        ``"head_direction"``, ``"velocity"``, ``"speed"``, or a name you registered), an
        import path ``"module:Class"``, your own RatInABox Neurons subclass
        (``cells=MyPlaceCells``), a Neurons object built on the trajectory's own Agent
        (``simulate_trajectory(agent=...)``), or a mapping of any of these to counts to mix
        populations, e.g. ``{"place": 50, MyCells: 30}``.
    n_cells : int, default=25
        Number of cells when ``cells`` is a single type.
    cell_params : dict, optional
        RatInABox parameters for the cells (over placedecode's defaults: place cells
        have ``widths=0.15`` and ``place_cell_centres="uniform"``), each checked (e.g. a
        width must be > 0 m). With a mapping of cells, a mapping of the same keys to
        parameter dicts; a ``FeedForwardLayer``'s ``input_layers`` may name other keys.
    noise : None, float, "poisson" or dict, default=None
        Observation noise: a Gaussian std in Hz, or Poisson spike counts per bin (then
        ``rates`` holds counts / dt in Hz; see :mod:`placedecode.sim._noise`).
    max_fr : float, optional
        Peak rate in Hz for every population, in (0, 1000] (RatInABox's default is 1 Hz,
        which gives almost no spikes per 0.1 s bin; real place cells peak at 5-20 Hz). A
        ``max_fr`` in ``cell_params`` takes precedence.
    random_state : None, int or numpy Generator, default=None
        Seed for the cells' random parameters (centres, grid phases, ...) and the noise.
        The caller's global NumPy random state is left unchanged.
    progress : bool, default=False
        Progress bars (redrawn every 0.5 s) for long evaluations and per-step loops.

    Returns
    -------
    Recording
        ``rates`` (N_cells, T) in Hz, ``true_rates``, ``position`` (D, T) in metres, ...;
        ``populations[i].path`` says how each population was computed: ``"fast"`` (a
        vectorised evaluator), ``"get_state"`` (the class's ``get_state`` over the path) or
        ``"per_step"`` (RatInABox's per-step loop); see :mod:`placedecode.sim._evaluate`.

    Raises
    ------
    InsufficientMemoryError
        When the rates would not fit in the available memory (checked before allocating).

    Warns
    -----
    PoorCoverageWarning
        When the path covers under 20 % of the environment or stays within 2 cm of one
        wall more than half the time (paths of a minute or more).

    Examples
    --------
    >>> import placedecode as pdc
    >>> traj = pdc.simulate_trajectory(minutes=1, random_state=0, progress=False)
    >>> rec = pdc.record(traj, cells={"place": 16, "grid": 8}, random_state=0)
    >>> rec.rates.shape, rec.X.shape, rec.y.shape
    ((24, 600), (600, 24), (600, 2))
    """
    if not isinstance(trajectory, Trajectory):
        raise TypeError(
            "trajectory must be a placedecode Trajectory (from simulate_trajectory); got "
            f"{type(trajectory).__name__}. To turn a run you did in RatInABox into a Recording, use "
            "from_ratinabox(agent, neurons)."
        )
    if max_fr is not None:
        check_rate_range({"max_fr": max_fr}, lambda name: name)
    noise_spec = parse_noise(noise)
    specs = parse_cells(cells, n_cells, cell_params, trajectory)
    seed = resolve_seed(random_state)
    env = trajectory.environment
    N = sum(spec.n for spec in specs)
    T = trajectory.n_samples
    check_memory(estimate_memory(n_samples=T, n_cells=N, n_dims=trajectory.n_dims, noise=noise, trajectory=False),
                 f"record(N_cells={N}, T={T} bins)")
    check_coverage(trajectory.position, trajectory.duration, env)

    rates = np.empty((N, T))
    rows, start = [], 0
    for spec in specs:
        rows.append(slice(start, start + spec.n))
        start += spec.n
    order = build_order(specs)
    with rb.host_agent(env, trajectory.agent_params, seed=derive_seed(seed, "host-agent")) as agent:
        built: dict = {}
        for i in order:
            built[i] = build_population(specs[i], i, agent, built, seed, max_fr)
        makers = {i: (lambda i=i: build_population(specs[i], i, agent, built, seed, max_fr)) for i in order}
        paths = evaluate_populations(specs, built, order, makers, trajectory, agent, rates, rows, seed, progress)
        per_cell = []
        for i, spec in enumerate(specs):
            with rb.seeded_global_numpy(derive_seed(seed, "cell-params", i)):
                per_cell.append(cell_parameters(built[i], spec.cell_type, env, paths[i]))

    cell_types = np.empty(N, dtype=object)
    populations = []
    for i, spec in enumerate(specs):
        cell_types[rows[i]] = spec.label
        populations.append(Population(spec.label, built[i], np.arange(rows[i].start, rows[i].stop),
                                      np.arange(spec.n), kind=spec.cell_type, path=paths[i]))
    rng = np.random.default_rng(derive_seed(seed, "noise"))
    observed = apply_noise(rates, trajectory.dt, noise_spec, rng)
    return Recording(
        rates=observed,
        true_rates=rates,
        position=trajectory.position,
        t=trajectory.t,
        dt=trajectory.dt,
        cell_types=cell_types.astype(str),
        cell_params=stack_params(per_cell, [spec.n for spec in specs]),
        velocity=trajectory.velocity,
        head_direction=trajectory.head_direction,
        environment=env,
        noise=str(noise_spec),
        seed=seed,
        populations=populations,
    )


def _rough_count(cells, n_cells) -> int:
    """Total cells of a request, for the memory estimate before anything is checked or built."""
    def count(key, value):
        if rb.is_neurons(key):
            return int(key.n)
        return int(value) if isinstance(value, numbers.Integral) and not isinstance(value, bool) else 0

    if isinstance(cells, dict):
        return sum(count(k, v) for k, v in cells.items())
    return count(cells, n_cells)


def simulate(
    cells="place",
    n_cells: int = 25,
    minutes: float = 10.0,
    dt: float | None = None,
    environment=None,
    agent_params: dict | None = None,
    source=None,
    cell_params: dict | None = None,
    noise=None,
    max_fr: float | None = None,
    random_state=None,
    cache: bool = True,
    progress: bool = True,
    agent=None,
) -> Recording:
    """Simulate a trajectory and record cells along it, in one call.

    ``simulate(cells="place", n_cells=25, minutes=10, dt=0.1, random_state=0)`` is the
    tutorial's dataset: 25 place cells (width 0.15 m, centres on a 5 x 5 grid) in a
    1 m x 1 m box, 6000 samples at 0.1 s.

    Parameters are those of :func:`simulate_trajectory` and :func:`record`.
    ``random_state`` seeds both (the path and the cells draw from independent streams,
    so the path for a seed is the same whatever cells are recorded). The memory the
    whole request needs is estimated first (:func:`~placedecode.sim.estimate_memory`).

    Returns
    -------
    Recording

    Examples
    --------
    >>> import placedecode as pdc
    >>> rec = pdc.simulate(n_cells=25, minutes=1, random_state=0, progress=False)
    >>> train, test = rec.split(0.8)
    >>> train.X.shape, test.y.shape
    ((480, 25), (120, 2))
    """
    step = dt if dt is not None else (getattr(agent, "dt", None) if agent is not None else 0.1)
    if (isinstance(minutes, numbers.Real) and isinstance(step, numbers.Real) and math.isfinite(minutes)
            and math.isfinite(step) and minutes > 0 and step > 0):
        D = 1 if isinstance(environment, dict) and environment.get("dimensionality") == "1D" else 2
        check_memory(estimate_memory(n_samples=n_bins(minutes, step), n_cells=_rough_count(cells, n_cells), n_dims=D,
                                     noise=noise),
                     f"simulate(minutes={minutes:g}, dt={step:g}, n_cells={_rough_count(cells, n_cells)})")
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
        agent=agent,
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
