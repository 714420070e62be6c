"""Simulating (or importing) an animal's path with a RatInABox Agent."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _cache
from . import _ratinabox as rb
from ._agent import check_agent_params, from_agent, motion_params
from ._checks import check_positive_real
from ._environment import digest, environment_fingerprint, make_environment
from ._memory import check_memory, estimate_memory
from ._random import resolve_seed
from ._ratinabox import run_agent as _run_agent

#: Real rat paths that ship inside RatInABox (``ratinabox/data/<name>.npz``).
BUILTIN_SOURCES = {
    "sargolini": "Sargolini et al. (2006) Science, doi:10.1126/science.1125572; 600 s in a 1 m box",
}
_ARRAYS = ("t", "position", "velocity", "head_direction", "agent_velocity")


@dataclass(frozen=True, eq=False)
class Trajectory:
    """An animal's path through a RatInABox Environment, sampled every ``dt`` seconds.

    Attributes
    ----------
    t : ndarray of shape (T,)
        Sample times in seconds: ``dt, 2 dt, ..., T dt`` for a simulated path (RatInABox
        stores the state after each step, not the initial one); for a replayed path the
        given times, ``times[0], times[0] + dt, ...``.
    position : ndarray of shape (D, T)
        Position in metres (D = 1 or 2).
    velocity : ndarray of shape (D, T)
        Velocity of each step actually taken, in m/s (RatInABox's ``history["vel"]``).
    head_direction : ndarray of shape (D, T)
        Unit vector of the (smoothed) heading; in 1D the sign of the velocity.
    agent_velocity : ndarray of shape (D, T)
        The Agent's internal motion-model velocity (``Agent.velocity``) in m/s. It differs
        from ``velocity`` after wall interactions; RatInABox's VelocityCells read this one.
    dt : float
        Time step in seconds.
    environment : ratinabox.Environment.Environment
        The environment the path lives in.
    agent_params : dict
        The Agent parameters used (RatInABox defaults overridden by the user's).
    seed : int
        The seed that generated the path (see :func:`simulate_trajectory`).
    source : str
        ``"random_motion"`` (RatInABox's motion model), a built-in dataset name such as
        ``"sargolini"``, or ``"imported"`` for user arrays.
    agent : ratinabox Agent or None
        The user's Agent the path was simulated for (``simulate_trajectory(agent=...)``):
        Neurons built on it can be recorded along the path. Never changed by placedecode.
    engine : str
        What moved the Agent: ``"fast"`` (the compiled motion model) or ``"ratinabox"``
        (RatInABox's own ``Agent.update`` loop, also used to replay a ``source``).
    """

    t: np.ndarray
    position: np.ndarray
    velocity: np.ndarray
    head_direction: np.ndarray
    agent_velocity: np.ndarray
    dt: float
    environment: object = field(repr=False)
    agent_params: dict = field(default_factory=dict, repr=False)
    seed: int | None = None
    source: str = "random_motion"
    agent: object = field(default=None, repr=False, compare=False)
    engine: str = "ratinabox"

    @property
    def n_samples(self) -> int:
        """Number of time samples T."""
        return self.t.shape[0]

    @property
    def n_dims(self) -> int:
        """Spatial dimensionality D (1 or 2)."""
        return self.position.shape[0]

    @property
    def duration(self) -> float:
        """Duration in seconds (``T * dt``)."""
        return self.n_samples * self.dt

    def __repr__(self) -> str:
        return (
            f"Trajectory(T={self.n_samples}, D={self.n_dims}, dt={self.dt:g} s, "
            f"duration={self.duration / 60:.3g} min, source={self.source!r}, seed={self.seed}, "
            f"engine={self.engine!r})"
        )


def _check_replay(times, positions, what: str):
    """Finite, strictly increasing ``times`` (n,) and ``positions`` (n, D) with n >= 2."""
    times = np.asarray(times, dtype=float)
    positions = np.asarray(positions, dtype=float)
    if positions.ndim == 1:
        positions = positions[:, None]
    if times.ndim != 1 or positions.ndim != 2 or positions.shape[0] != times.shape[0]:
        raise ValueError(
            f"{what} needs times of shape (n,) and positions of shape (n, D); got {times.shape} and {positions.shape}."
        )
    if times.shape[0] < 2:
        raise ValueError(f"{what} needs at least 2 samples; got {times.shape[0]}.")
    if not (np.all(np.isfinite(times)) and np.all(np.isfinite(positions))):
        raise ValueError(f"{what} contains NaN or infinite values; drop or interpolate those samples first.")
    if np.any(np.diff(times) <= 0):
        bad = int(np.flatnonzero(np.diff(times) <= 0)[0])
        raise ValueError(f"{what}: times must be strictly increasing; times[{bad + 1}] = {times[bad + 1]!r} follows "
                         f"times[{bad}] = {times[bad]!r}.")
    return times, positions


def _resolve_source(source):
    """Return (name, times, positions) for an imported path, or (name, None, None)."""
    if source is None or source == "random_motion":
        return "random_motion", None, None
    if isinstance(source, str):
        if source not in BUILTIN_SOURCES:
            path = Path(source)
            if path.suffix == ".npz":
                if not path.exists():
                    raise FileNotFoundError(
                        f"source={source!r}: no such file. Pass one of "
                        f"{sorted(BUILTIN_SOURCES)} or a path to an .npz with arrays 't' and 'pos'."
                    )
                with np.load(path) as data:
                    if "t" not in data.files or "pos" not in data.files:
                        raise ValueError(f"source={source!r} must hold arrays 't' (s) and 'pos' (m); it has "
                                         f"{sorted(data.files)}.")
                    return ("imported", *_check_replay(data["t"], data["pos"], f"source={source!r}"))
            raise ValueError(
                f"source must be None (RatInABox's random motion), one of "
                f"{sorted(BUILTIN_SOURCES)}, a path to an .npz file, or a (times, positions) "
                f"tuple; got {source!r}."
            )
        with np.load(rb.builtin_dataset(source)) as data:
            return (source, *_check_replay(data["t"], data["pos"], f"source={source!r}"))
    if isinstance(source, (tuple, list)) and len(source) == 2:
        return ("imported", *_check_replay(source[0], source[1], "source=(times, positions)"))
    raise TypeError(f"source must be None, a str or a (times, positions) tuple; got {type(source).__name__}.")


def simulate_trajectory(
    minutes: float = 10.0,
    dt: float | None = None,
    environment=None,
    agent_params: dict | None = None,
    source=None,
    random_state=None,
    cache: bool = True,
    progress: bool = True,
    agent=None,
    engine: str = "auto",
) -> Trajectory:
    """Simulate an animal's path with RatInABox (or replay a real rat's path).

    Parameters
    ----------
    minutes : float, default=10.0
        Duration in minutes. ``T = round(minutes * 60 / dt)`` samples are produced.
    dt : float, optional
        Time step in seconds: 0.1 s by default (the tutorial's; RatInABox's own default is
        0.05 s), or the ``agent``'s ``dt`` when an Agent is given. For RatInABox's random
        motion it must be below twice the Agent's coherence times (0.16 s with the default
        0.08 s rotational coherence time), or the motion model diverges.
    environment : None, dict or ratinabox Environment, default=None
        ``None`` is RatInABox's 1 m x 1 m box; a dict holds RatInABox Environment
        parameters (``dimensionality="1D"``, ``scale``, ``aspect``, ``walls``, ``holes``,
        ``boundary`` ...), each checked (a non-positive ``scale`` is refused, naming it); an
        Environment is used as is (and left as it was: the Agent used for simulating is
        removed from it afterwards).
    agent_params : dict, optional
        RatInABox Agent parameters (``speed_mean``, ``thigmotaxis``, ...), except ``dt``,
        each checked against its valid range. On a 1D track with solid ends, ``speed_mean``
        defaults to 0 and ``speed_std`` to 0.08 m/s per metre of track, so the rat runs back
        and forth over the whole track (see :mod:`placedecode.sim._agent`).
    source : None, "sargolini", path or (times, positions), default=None
        ``None`` uses RatInABox's random motion model. ``"sargolini"`` replays the real
        rat path that ships with RatInABox (600 s in a 1 m box, looped if ``minutes`` is
        longer); a path to an ``.npz`` with arrays ``t`` (s) and ``pos`` (m), or a tuple
        ``(times (n,), positions (n, D))`` replays your own path. The replay starts at the
        first given time: sample ``k`` is the path at ``times[0] + k dt`` (cubic
        interpolation, so every given sample is reproduced exactly when ``dt`` is its
        spacing), with ``Trajectory.t`` those times.
    random_state : None, int or numpy Generator, default=None
        Seed for the path. RatInABox draws from NumPy's global generator; it is seeded
        for this call and restored afterwards, so the caller's global state is unchanged.
        ``None`` draws a fresh seed (recorded in ``Trajectory.seed``) and skips the cache.
    cache : bool, default=True
        Reuse a trajectory cached on disk for identical parameters and seed (see
        :mod:`placedecode.sim._cache` for the location, ``$PLACEDECODE_CACHE``).
    progress : bool, default=True
        Show a progress bar while the Agent moves (redrawn every 0.5 s).
    agent : ratinabox Agent, optional
        Your own Agent: its motion parameters (overridden by ``agent_params``), its
        Environment (``environment`` must then be None or the same one) and its ``dt``.
        The Agent and its Environment are left exactly as they were (a hidden Agent moves);
        Neurons built on it can then be recorded along the path with ``record``.
    engine : {"auto", "fast", "ratinabox"}, default="auto"
        What moves the Agent. ``"ratinabox"`` runs RatInABox's own ``Agent.update()`` loop;
        ``"fast"`` runs the same motion model compiled with numba (hundreds of times faster;
        from the same seed the same path: see :mod:`placedecode.sim._motion` for how close);
        ``"auto"`` uses ``"fast"`` wherever it implements the environment and parameters and
        RatInABox's loop otherwise (holes, periodic polygons, Environment subclasses,
        ``source=`` replays, or numba not installed). ``"fast"`` raises a ValueError naming
        what it cannot simulate. Each engine caches its own paths.

    Returns
    -------
    Trajectory
        ``t`` (T,), ``position`` (D, T) in metres, ``velocity`` and ``agent_velocity``
        (D, T) in m/s, ``head_direction`` (D, T), the ``environment``, and the ``engine``
        that moved the Agent.

    See Also
    --------
    simulate_trajectories : many seeds in one call, the seeds run side by side in compiled code.

    Raises
    ------
    InsufficientMemoryError
        When the path would not fit in the available memory (checked before allocating).

    Examples
    --------
    >>> import placedecode as pdc
    >>> traj = pdc.simulate_trajectory(minutes=0.5, random_state=0, progress=False)
    >>> traj.position.shape
    (2, 300)
    """
    spec = _prepare(minutes, dt, environment, agent_params, source, engine, agent)
    seed_given = random_state is not None
    seed = resolve_seed(random_state)
    key = _cache_key(spec, seed) if cache and seed_given else None
    hit = _from_cache(spec, key, seed)
    if hit is not None:
        return hit
    if spec.engine == "fast":
        from ._motion import run_fast

        arrays = run_fast(spec.env, spec.agent_params, spec.n_steps, [seed], progress)[0]
    else:
        arrays = _run_agent(spec.env, spec.agent_params, spec.n_steps, seed, spec.times, spec.positions, progress)
    return _finish(spec, arrays, seed, key)


class _Spec(NamedTuple):
    """A checked simulation request, before the seed (shared with ``simulate_trajectories``)."""

    n_steps: int
    env: object
    agent_params: dict  # RatInABox's motion parameters, with dt
    source: str
    times: np.ndarray | None
    positions: np.ndarray | None
    engine: str  # "fast" or "ratinabox"
    agent: object = None  # the user's Agent, if one was given


def _prepare(minutes, dt, environment, agent_params, source, engine, agent=None) -> _Spec:
    from ._motion import check_motion_params, resolve_engine

    rb.check_version()  # both engines follow RatInABox's motion model of the tested versions
    if agent is not None:
        environment, agent_params, dt = from_agent(agent, environment, agent_params, dt)
    dt = 0.1 if dt is None else dt
    minutes = check_positive_real(minutes, "minutes")
    dt = check_positive_real(dt, "dt")
    duration = minutes * 60.0
    if dt > duration:
        raise ValueError(
            f"dt ({dt:g} s) is larger than the duration ({duration:g} s = {minutes:g} min); "
            "choose dt <= minutes * 60."
        )
    n_steps = int(round(duration / dt))
    agent_params = check_agent_params(agent_params)
    source_name, times, positions = _resolve_source(source)
    env = make_environment(environment)
    check_memory(estimate_memory(n_samples=n_steps, n_cells=0, n_dims=env.D),
                 f"simulate_trajectory(minutes={minutes:g}, dt={dt:g})")
    if times is not None and positions.shape[1] != env.D:
        raise ValueError(
            f"source positions are {positions.shape[1]}-D but the environment is "
            f"{env.dimensionality}; pass a matching environment."
        )
    full_agent_params = {**motion_params(env, agent_params), "dt": dt}
    if times is None:
        check_motion_params(env, full_agent_params)
    engine = resolve_engine(engine, env, replaying=times is not None)
    return _Spec(n_steps, env, full_agent_params, source_name, times, positions, engine, agent)


def _cache_key(spec: _Spec, seed: int) -> str:
    """The cache key of a path: every parameter that shapes it, and the engine if it is the fast one.

    The engines' paths for a seed agree to ~1e-9 m for minutes, but RatInABox's model is weakly
    chaotic near walls (see :mod:`._motion`), so after long runs they may differ by more: each
    engine caches its own. RatInABox's keys are those written before the fast engine existed.
    """
    fields = {
        "version": 1,
        "ratinabox": rb.ratinabox_version(),
        "n_steps": spec.n_steps,
        "dt": spec.agent_params["dt"],
        "environment": environment_fingerprint(spec.env),
        "agent_params": spec.agent_params,
        "source": spec.source,
        # replays start at the first given time since v2 (they started one dt later)
        "source_data": None if spec.times is None else digest([spec.times, spec.positions, "replay-v2"]),
        "seed": seed,
    }
    if spec.engine == "fast":
        fields["engine"] = "fast"
    return digest(fields)


def _from_cache(spec: _Spec, key, seed: int) -> Trajectory | None:
    """The cached Trajectory under ``key`` (None on a miss or without a key)."""
    if key is None:
        return None
    hit = _cache.load(key, _ARRAYS)
    if hit is None or hit["t"].shape[0] != spec.n_steps:
        return None
    return Trajectory(**{name: hit[name] for name in _ARRAYS}, dt=spec.agent_params["dt"], environment=spec.env,
                      agent_params=spec.agent_params, seed=seed, source=spec.source, agent=spec.agent,
                      engine=spec.engine)


def _finish(spec: _Spec, arrays: dict, seed: int, key) -> Trajectory:
    """Cache ``arrays`` under ``key`` (if any) and wrap them in a Trajectory."""
    if key is not None:
        _cache.save(key, arrays)
    return Trajectory(**arrays, dt=spec.agent_params["dt"], environment=spec.env, agent_params=spec.agent_params,
                      seed=seed, source=spec.source, agent=spec.agent, engine=spec.engine)
