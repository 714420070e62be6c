"""The fast motion engine: RatInABox's random motion model, compiled (see :mod:`._motion_kernel`).

``simulate_trajectory(engine=...)`` picks the engine that moves the Agent:

* ``"ratinabox"``: RatInABox's own ``Agent.update()`` loop (about 0.3-1 ms a step);
* ``"fast"``: the same model compiled with numba (well under a microsecond a step). From the
  same seed, the same path: the Agent starts where RatInABox's would, and every random number
  RatInABox draws is drawn from the same generator in the same order (:mod:`._motion_rng`),
  including the draws that depend on the state (repeated collision tests, zero-length steps,
  uniform re-placement in a polygon). What differs is the last bit of a few roundings: NumPy's
  SIMD ``exp``/``log`` and a BLAS 2x2 product that may fuse a multiply-add, against the C
  library's functions here;
* ``"auto"`` (default): ``"fast"`` whenever it implements the Environment and the Agent
  parameters (:func:`unsupported_reason`), RatInABox's loop otherwise.

How close the paths are. Without walls (periodic box, 1D) they agree to ~1e-13 m (1D: bit for
bit) over 10 minutes. Near walls RatInABox's model is weakly chaotic: a last-bit difference
grows about tenfold a minute, so the paths agree to ~1e-12-1e-9 m for the first minutes and
then part. Measured over 10 minutes: at dt 0.1 s all 30 runs (10 seeds x box, inner wall,
polygon) stayed within 4.5e-7 m; at dt 0.01 s some seeds pass 1e-6 m after 8-10 minutes (up to
~4e-5 m by 10 min), exactly as RatInABox parts from itself when only its rotation is rounded
differently. Beyond that horizon the engines are statistically equivalent (speed, rotational
velocity, distance to walls, occupancy over 10 seeds: tests/test_motion_statistics.py). For the
same reason each engine caches its own paths.

What the fast engine implements: 1D and 2D; solid and periodic boundaries; rectangular and
polygonal arenas with any walls inside; every ``Agent.default_params`` entry. What it leaves to
RatInABox: holes, periodic boundaries on a polygon, Environment subclasses, replaying a
recorded path (``source=``), or numba not installed. Drift velocities and custom Agent classes
are RatInABox-only by construction (``simulate_trajectory`` does not take them).

Every touch of RatInABox's Environment internals made by the fast engine is in this module.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

ENGINES = ("auto", "fast", "ratinabox")
_STEPS_PER_CALL = 50_000  # a compiled call per this many steps: progress bar and Ctrl-C stay responsive


@functools.lru_cache(maxsize=1)
def numba_available() -> bool:
    """Whether numba and the compiled kernels import (the fast engine needs them; nothing else does)."""
    try:
        from . import _motion_kernel  # noqa: F401 - imports numba and declares the kernels
    except Exception:  # noqa: BLE001 - a missing or broken numba must not break placedecode
        return False
    return True


def full_agent_params(agent_params: dict) -> dict:
    """RatInABox's ``Agent.default_params`` overridden by ``agent_params`` (which holds ``dt``)."""
    from ratinabox.Agent import Agent

    return {**Agent.default_params, **agent_params}


def check_motion_params(env, agent_params: dict) -> None:
    """Raise a clear error for a ``dt`` RatInABox's random motion cannot use with these parameters.

    ``agent_params`` holds ``dt``; each value's range (finite, signs, thigmotaxis in [0, 1],
    a positive ``speed_mean`` in 2D) is checked once, in :mod:`placedecode.sim._agent`. Each
    Ornstein-Uhlenbeck
    process needs ``dt < 2 * coherence_time``: its update ``x += -x dt / tau + noise`` multiplies
    ``x`` by ``1 - dt / tau`` every step, which for ``dt >= 2 tau`` grows without bound (in
    RatInABox too: the rotational velocity overflows and the path turns to NaN). Between
    ``tau`` and ``2 tau`` (e.g. the tutorial's dt = 0.1 s against the default 0.08 s rotational
    coherence time) the process is stable but its spread is larger than the ``*_std`` asked
    for; that is RatInABox's behaviour and is kept.
    """
    params = full_agent_params(agent_params)  # each value already checked by _agent.check_agent_params
    dt = float(params["dt"])
    taus = ["speed_coherence_time"] + (["rotational_velocity_coherence_time"] if env.dimensionality == "2D" else [])
    for name in taus:
        tau = float(params[name])
        if dt >= 2 * tau:
            raise ValueError(
                f"dt ({dt:g} s) must be smaller than twice agent_params[{name!r}] ({tau:g} s): "
                f"RatInABox's Ornstein-Uhlenbeck update multiplies the {name.split('_coherence')[0].replace('_', ' ')} "
                f"by 1 - dt / tau = {1 - dt / tau:.3g} each step and diverges for dt >= 2 tau. "
                f"Use dt < {2 * tau:g} s or a longer coherence time."
            )


def unsupported_reason(env) -> str | None:
    """Why the fast engine cannot simulate ``env`` (None when it can)."""
    from ratinabox.Environment import Environment

    if not numba_available():
        return "numba is not installed (pip install numba)"
    if type(env) is not Environment:
        return f"the Environment is a subclass ({type(env).__name__}) whose methods may differ from RatInABox's"
    if env.boundary_conditions not in ("solid", "periodic"):
        return f"boundary_conditions={env.boundary_conditions!r} is not 'solid' or 'periodic'"
    if env.dimensionality == "2D":
        if getattr(env, "has_holes", False) or len(getattr(env, "holes", [])) > 0:
            return "the Environment has holes"
        if env.boundary_conditions == "periodic" and not env.is_rectangular:
            return "periodic boundaries on a non-rectangular arena"
    elif env.dimensionality != "1D":
        return f"dimensionality={env.dimensionality!r}"
    return None


def resolve_engine(engine, env, replaying: bool) -> str:
    """``"fast"`` or ``"ratinabox"`` for ``engine`` in :data:`ENGINES` (see the module docstring)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}.")
    if engine == "ratinabox":
        return "ratinabox"
    if replaying:
        if engine == "fast":
            raise ValueError(
                "engine='fast' simulates RatInABox's random motion; a source= path is replayed by "
                "RatInABox itself. Use engine='auto' or 'ratinabox' with source=."
            )
        return "ratinabox"
    reason = unsupported_reason(env)
    if reason is None:
        return "fast"
    if engine == "fast":
        raise ValueError(
            f"engine='fast' cannot simulate this: {reason}. Use engine='auto' (which falls back to "
            "RatInABox's own Agent loop for it) or engine='ratinabox'."
        )
    return "ratinabox"


def _ou_constants(noise_scale, coherence_time, dt, shape=()):
    """(theta, sigma) of ``utils.ornstein_uhlenbeck``, computed with RatInABox's own operations."""
    ones = np.ones(shape)
    tau = coherence_time * ones
    sigma = np.sqrt((2 * (noise_scale * ones) ** 2) / (tau * dt))
    return float(np.ravel(1 / tau)[0]), float(np.ravel(sigma)[0])


def pack_parameters(env, agent_params: dict):
    """The kernel's inputs ``(prm, flg, walls, boundary)`` for ``env`` and ``agent_params`` (with dt)."""
    from . import _motion_kernel as k

    p = full_agent_params(agent_params)
    dt = p["dt"]
    two_d = env.dimensionality == "2D"
    prm = np.zeros(k.N_PRM)
    flg = np.zeros(k.N_FLG, dtype=np.int64)
    prm[k.DT] = dt
    prm[k.ROT_THETA], prm[k.ROT_SIGMA] = _ou_constants(
        p["rotational_velocity_std"], p["rotational_velocity_coherence_time"], dt
    )
    if two_d:
        prm[k.SPEED_THETA], prm[k.SPEED_SIGMA] = _ou_constants(1, p["speed_coherence_time"], dt)
    else:
        prm[k.SPEED_THETA], prm[k.SPEED_SIGMA] = _ou_constants(p["speed_std"], p["speed_coherence_time"], dt, (1,))
    speed_mean = p["speed_mean"]
    prm[k.SPEED_MEAN] = speed_mean
    prm[k.TWO_SIGMA2] = 2 * speed_mean**2
    prm[k.HALF_MEAN] = 0.5 * speed_mean
    d, strength, thigmotaxis = p["wall_repel_distance"], p["wall_repel_strength"], p["thigmotaxis"]
    v = strength * speed_mean
    prm[k.REPEL_D], prm[k.REPEL_D2], prm[k.REPEL_V] = d, d**2, v
    prm[k.SPRING_K] = v**2 / d**2
    prm[k.SPRING_C] = 3 * ((1 - thigmotaxis) ** 2)
    prm[k.CONVEYOR_C] = 6 * (thigmotaxis**2)
    tau_hd = p["head_direction_smoothing_timescale"]
    if tau_hd > dt:
        prm[k.HD_KEEP], prm[k.HD_NEW] = 1 - dt / tau_hd, dt / tau_hd
        flg[k.HD_SMOOTH] = two_d
    prm[k.SCALE], prm[k.HALF_SCALE] = env.scale, env.scale / 2
    extent = env.extent
    prm[k.X0], prm[k.X1] = extent[0], extent[1]
    prm[k.X_LO], prm[k.X_HI] = extent[0] + 0.01, extent[1] - 0.01
    flg[k.DIM] = env.D
    flg[k.PERIODIC] = env.boundary_conditions == "periodic"
    walls = np.zeros((0, 2, 2))
    boundary = np.zeros((0, 2))
    if two_d:
        prm[k.Y0], prm[k.Y1] = extent[2], extent[3]
        prm[k.Y_LO], prm[k.Y_HI] = extent[2] + 0.01, extent[3] - 0.01
        flg[k.RECTANGULAR] = bool(env.is_rectangular)
        walls = np.ascontiguousarray(np.asarray(env.walls, dtype=float).reshape(-1, 2, 2))
        boundary = np.ascontiguousarray(np.asarray(env.boundary, dtype=float).reshape(-1, 2))
        flg[k.REPEL] = not (strength == 0.0 or len(walls) == 0)
        flg[k.SPEED_FIXED] = p["speed_std"] == 0
    return prm, flg, walls, boundary


def initial_state(env, agent_params: dict, seed: int):
    """Where RatInABox's ``Agent(env)`` starts after ``np.random.seed(seed)``, and the generator after it.

    Returns ``(kin, (key, ints, cached))``: the kinematic state vector of
    :mod:`._motion_kernel` and the generator state of :mod:`._motion_rng`. Mirrors
    ``Agent.initialise_position_and_velocity`` (``Environment.sample_positions(1, "random")``,
    then a uniform heading in 2D), drawing from a private RandomState instead of the global one.
    """
    from . import _motion_kernel as k
    from ._motion_rng import state_from_numpy

    p = full_agent_params(agent_params)
    rs = np.random.RandomState(seed)
    extent = env.extent
    kin = np.zeros(k.N_KIN)
    if env.dimensionality == "1D":
        pos = rs.uniform(extent[0], extent[1], size=(1, 1))[0]
        velocity = np.array([p["speed_mean"]]) + 1e-8
    else:
        pos = np.zeros(2)
        while True:  # sample_positions re-draws positions outside a polygonal arena
            pos[0] = rs.uniform(extent[0], extent[1], size=1)[0]
            pos[1] = rs.uniform(extent[2], extent[3], size=1)[0]
            if env.is_rectangular or env.check_if_position_is_in_environment(pos):
                break
        direction = rs.uniform(0, 2 * np.pi)
        velocity = p["speed_mean"] * np.array([np.cos(direction), np.sin(direction)])
    head = velocity / np.linalg.norm(velocity)
    kin[k.PX], kin[k.VX], kin[k.HX] = pos[0], velocity[0], head[0]
    if env.dimensionality == "2D":
        kin[k.PY], kin[k.VY], kin[k.HY] = pos[1], velocity[1], head[1]
    return kin, state_from_numpy(rs)


def run_fast(env, agent_params: dict, n_steps: int, seeds, progress: bool = True, n_threads: int = 1) -> list[dict]:
    """Simulate one path per seed with the compiled engine.

    Parameters
    ----------
    env : ratinabox Environment
        Supported by the fast engine (:func:`unsupported_reason` is None).
    agent_params : dict
        Agent parameters including ``dt`` (s); RatInABox's defaults fill the rest.
    n_steps : int
        Number of steps T.
    seeds : sequence of int
        One path per seed, each as RatInABox's after ``np.random.seed(seed)``.
    progress : bool
        A tqdm bar over the steps.
    n_threads : int
        Threads that move the seeds (the compiled loop runs without the GIL), at most one per seed.

    Returns
    -------
    list of dict
        Per seed, the arrays of :class:`Trajectory`: ``t`` (T,) in s, ``position`` (D, T) in m,
        ``velocity``, ``agent_velocity`` (D, T) in m/s, ``head_direction`` (D, T).
    """
    from tqdm.auto import tqdm

    from . import _motion_kernel as k

    prm, flg, walls, boundary = pack_parameters(env, agent_params)
    drifting = full_agent_params(agent_params)["speed_mean"] != 0
    if env.dimensionality == "1D" and env.boundary_conditions == "solid" and drifting:
        warnings.warn(  # RatInABox's Agent warns the same when it is created
            "Solid 1D boundaries with a non-zero speed_mean: the Agent drifts into the far wall and "
            "stays there most of the time. Use boundary_conditions='periodic' or speed_mean=0 for a "
            "rat that runs back and forth.",
            UserWarning,
            stacklevel=3,
        )
    seeds = list(seeds)
    n_seeds, dim = len(seeds), env.D
    kin = np.zeros((n_seeds, k.N_KIN))
    key = np.zeros((n_seeds, 624), dtype=np.uint32)
    ints = np.zeros((n_seeds, 2), dtype=np.int64)
    cached = np.zeros((n_seeds, 1))
    for s, seed in enumerate(seeds):
        kin[s], (key[s], ints[s], cached[s]) = initial_state(env, agent_params, seed)
    buf = np.zeros((n_seeds, k.buffer_size(len(walls))))
    names = ("position", "velocity", "head_direction", "agent_velocity")
    out = {name: np.empty((n_seeds, dim, n_steps)) for name in names}
    groups = [g for g in np.array_split(np.arange(n_seeds), max(1, min(n_threads, n_seeds))) if g.size]

    def advance(group, start, stop):  # contiguous slices of the seed axis: disjoint memory per thread
        s = slice(group[0], group[-1] + 1)
        k.advance(start, stop, prm, flg, walls, boundary, kin[s], key[s], ints[s], cached[s], buf[s],
                  out["position"][s], out["velocity"][s], out["head_direction"][s], out["agent_velocity"][s])

    bar = tqdm(total=n_steps * n_seeds, desc="Simulating trajectory" + ("s" if n_seeds > 1 else ""), unit="step",
               disable=not progress, mininterval=0.5, leave=False)
    pool = ThreadPoolExecutor(len(groups)) if len(groups) > 1 else contextlib.nullcontext()
    with bar, pool:
        for start in range(0, n_steps, _STEPS_PER_CALL):
            stop = min(n_steps, start + _STEPS_PER_CALL)
            if len(groups) > 1:
                list(pool.map(lambda g: advance(g, start, stop), groups))  # noqa: B023 - consumed at once
            else:
                advance(groups[0], start, stop)
            bar.update((stop - start) * n_seeds)
    bad = ~np.isfinite(out["position"]).all(axis=(1, 2))
    if bad.any():
        raise FloatingPointError(
            f"the fast engine produced non-finite positions for seed(s) {[seeds[i] for i in np.flatnonzero(bad)]} "
            f"with agent_params={agent_params}; RatInABox's model does the same for these parameters."
        )
    t = agent_params["dt"] * np.arange(1, n_steps + 1)  # exact bin times, as RatInABox's loop gives
    return [{"t": t.copy(), **{name: out[name][s] for name in names}} for s in range(n_seeds)]
