"""Simulating (or importing) an animal's path with a RatInABox Agent."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _cache
from ._checks import check_positive_real
from ._environment import digest, environment_fingerprint, make_environment
from ._random import resolve_seed, seeded_global_numpy

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
        Sample times in seconds: ``dt, 2 dt, ..., T dt`` (RatInABox stores the state after
        each step, not the initial one).
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


def _agent_host(env, agent_params):
    """A RatInABox Agent on ``env`` (its creation draws from the global RNG: seed first)."""
    from ratinabox.Agent import Agent

    with contextlib.redirect_stdout(io.StringIO()):
        return Agent(env, params=dict(agent_params))


def _detach(agent) -> None:
    """Remove ``agent`` from its Environment so a user's Environment is left as it was."""
    env = agent.Environment
    if agent in env.Agents:
        env.Agents.remove(agent)
    getattr(env, "agents_dict", {}).pop(agent.name, None)


def _check_agent_params(agent_params) -> dict:
    from ratinabox.Agent import Agent

    if agent_params is None:
        return {}
    if not isinstance(agent_params, dict):
        raise TypeError(f"agent_params must be a dict or None; got {type(agent_params).__name__}.")
    allowed = set(Agent.default_params)
    unknown = sorted(set(agent_params) - allowed)
    if unknown:
        raise ValueError(
            f"agent_params has unknown RatInABox Agent parameter(s) {unknown}; allowed: "
            f"{sorted(allowed)}."
        )
    if "dt" in agent_params:
        raise ValueError("agent_params must not contain 'dt'; pass dt=... to the function instead.")
    return dict(agent_params)


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
                    return "imported", np.asarray(data["t"], float), np.asarray(data["pos"], float)
            raise ValueError(
                f"source must be None (RatInABox's random motion), one of "
                f"{sorted(BUILTIN_SOURCES)}, a path to an .npz file, or a (times, positions) "
                f"tuple; got {source!r}."
            )
        import ratinabox

        path = Path(ratinabox.__file__).parent / "data" / f"{source}.npz"
        with np.load(path) as data:
            return source, np.asarray(data["t"], float), np.asarray(data["pos"], float)
    if isinstance(source, (tuple, list)) and len(source) == 2:
        times, positions = (np.asarray(a, dtype=float) for a in source)
        if times.ndim != 1 or positions.shape[0] != times.shape[0]:
            raise ValueError(
                "source=(times, positions) needs times of shape (n,) and positions of shape "
                f"(n, D); got {times.shape} and {positions.shape}."
            )
        if not (np.all(np.isfinite(times)) and np.all(np.isfinite(positions))):
            raise ValueError("source=(times, positions) contains NaN or infinite values.")
        return "imported", times, positions
    raise TypeError(f"source must be None, a str or a (times, positions) tuple; got {type(source).__name__}.")


def simulate_trajectory(
    minutes: float = 10.0,
    dt: float = 0.1,
    environment=None,
    agent_params: dict | None = None,
    source=None,
    random_state=None,
    cache: bool = True,
    progress: bool = True,
    engine: str = "auto",
) -> Trajectory:
    """Simulate an animal's path with RatInABox (or replay a real rat's path).

    Parameters
    ----------
    minutes : float, default=10.0
        Duration in minutes. ``T = round(minutes * 60 / dt)`` samples are produced.
    dt : float, default=0.1
        Time step in seconds (the tutorial's 0.1 s; RatInABox's own default is 0.05 s). For
        RatInABox's random motion it must be below twice the Agent's coherence times (0.16 s
        with the default 0.08 s rotational coherence time), or the motion model diverges.
    environment : None, dict or ratinabox Environment, default=None
        ``None`` is RatInABox's 1 m x 1 m box; a dict holds RatInABox Environment
        parameters (``dimensionality="1D"``, ``scale``, ``aspect``, ``walls``, ``holes``,
        ``boundary`` ...); an Environment is used as is (and left as it was: the Agent
        used for simulating is removed from it afterwards).
    agent_params : dict, optional
        RatInABox Agent parameters (``speed_mean``, ``thigmotaxis``, ...), except ``dt``.
    source : None, "sargolini", path or (times, positions), default=None
        ``None`` uses RatInABox's random motion model. ``"sargolini"`` replays the real
        rat path that ships with RatInABox (600 s in a 1 m box, looped if ``minutes`` is
        longer); a path to an ``.npz`` with arrays ``t`` (s) and ``pos`` (m), or a tuple
        ``(times (n,), positions (n, D))`` replays your own path, interpolated at ``dt``.
    random_state : None, int or numpy Generator, default=None
        Seed for the path. RatInABox draws from NumPy's global generator; it is seeded
        for this call and restored afterwards, so the caller's global state is unchanged.
        ``None`` draws a fresh seed (recorded in ``Trajectory.seed``) and skips the cache.
    cache : bool, default=True
        Reuse a trajectory cached on disk for identical parameters and seed (see
        :mod:`placedecode.sim._cache` for the location, ``$PLACEDECODE_CACHE``).
    progress : bool, default=True
        Show a tqdm progress bar while the Agent moves.
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

    Examples
    --------
    >>> from placedecode import simulate_trajectory
    >>> traj = simulate_trajectory(minutes=0.5, random_state=0, progress=False)
    >>> traj.position.shape
    (2, 300)
    """
    spec = _prepare(minutes, dt, environment, agent_params, source, engine)
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
    agent_params: dict  # the user's, with dt
    source: str
    times: np.ndarray | None
    positions: np.ndarray | None
    engine: str  # "fast" or "ratinabox"


def _prepare(minutes, dt, environment, agent_params, source, engine) -> _Spec:
    from ._motion import check_motion_params, resolve_engine

    minutes = check_positive_real(minutes, "minutes")
    dt = check_positive_real(dt, "dt")
    duration = minutes * 60.0
    if dt > duration:
        raise ValueError(
            f"dt ({dt:g} s) is larger than the duration ({duration:g} s = {minutes:g} min); "
            "choose dt <= minutes * 60."
        )
    n_steps = int(round(duration / dt))
    agent_params = _check_agent_params(agent_params)
    source_name, times, positions = _resolve_source(source)
    env = make_environment(environment)
    if times is not None:
        if positions.ndim == 1:
            positions = positions[:, None]
        if positions.shape[1] != env.D:
            raise ValueError(
                f"source positions are {positions.shape[1]}-D but the environment is "
                f"{env.dimensionality}; pass a matching environment."
            )
    full_agent_params = {**agent_params, "dt": dt}
    if times is None:
        check_motion_params(env, full_agent_params)
    engine = resolve_engine(engine, env, replaying=times is not None)
    return _Spec(n_steps, env, full_agent_params, source_name, times, positions, engine)


def _cache_key(spec: _Spec, seed: int) -> str:
    """The cache key of a path: every parameter that shapes it, and the engine if it is the fast one.

    The engines' paths for a seed agree to ~1e-9 m for minutes, but RatInABox's model is weakly
    chaotic near walls (see :mod:`._motion`), so after long runs they may differ by more: each
    engine caches its own. RatInABox's keys are those written before the fast engine existed.
    """
    fields = {
        "version": 1,
        "ratinabox": _ratinabox_version(),
        "n_steps": spec.n_steps,
        "dt": spec.agent_params["dt"],
        "environment": environment_fingerprint(spec.env),
        "agent_params": spec.agent_params,
        "source": spec.source,
        "source_data": None if spec.times is None else digest([spec.times, spec.positions]),
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
                      agent_params=spec.agent_params, seed=seed, source=spec.source, engine=spec.engine)


def _finish(spec: _Spec, arrays: dict, seed: int, key) -> Trajectory:
    """Cache ``arrays`` under ``key`` (if any) and wrap them in a Trajectory."""
    if key is not None:
        _cache.save(key, arrays)
    return Trajectory(**arrays, dt=spec.agent_params["dt"], environment=spec.env, agent_params=spec.agent_params,
                      seed=seed, source=spec.source, engine=spec.engine)


def _ratinabox_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ratinabox")
    except PackageNotFoundError:  # pragma: no cover - installed from source
        return "unknown"


def _run_agent(env, agent_params, n_steps, seed, times, positions, progress) -> dict:
    dt = agent_params["dt"]
    from tqdm.auto import tqdm

    D = env.D
    out = {name: np.empty((n_steps, D)) for name in _ARRAYS if name != "t"}
    with seeded_global_numpy(seed), contextlib.redirect_stdout(io.StringIO()):
        agent = _agent_host(env, agent_params)
        try:
            if times is not None:
                agent.import_trajectory(times=times, positions=positions)
            bar = tqdm(
                total=n_steps,
                desc="Simulating trajectory",
                unit="step",
                disable=not progress,
                mininterval=0.5,
                file=None,
                leave=False,
            )
            with bar:
                update_every = max(1, n_steps // 200)
                for i in range(n_steps):
                    agent.update()
                    out["position"][i] = agent.pos
                    out["velocity"][i] = agent.measured_velocity
                    out["head_direction"][i] = agent.head_direction
                    out["agent_velocity"][i] = agent.velocity
                    if (i + 1) % update_every == 0:
                        bar.update(update_every)
                bar.update(n_steps - bar.n)
        finally:
            _detach(agent)
    arrays = {name: np.ascontiguousarray(a.T) for name, a in out.items()}
    arrays["t"] = dt * np.arange(1, n_steps + 1)  # exact bin times (agent.t accumulates rounding)
    return arrays

