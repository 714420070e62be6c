"""The one module that touches RatInABox's internals.

Everything placedecode relies on about how RatInABox works *inside* lives here, so that a
RatInABox upgrade is a change to this file alone:

- its classes (imported lazily: ``import placedecode`` does not import RatInABox) and the
  version check (:data:`TESTED_VERSIONS`);
- hidden Agents: placedecode builds its own Agent on the user's Environment to move (or to
  host cells) and removes it afterwards, so the Environment is left as it was;
- silencing RatInABox's ``print`` calls, and seeding NumPy's global generator, which
  RatInABox draws every random number from (:func:`seeded_global_numpy`);
- its per-step loops: :func:`run_agent` (the Agent's motion model, or a replayed path) and
  :func:`step_neurons` (``Neurons.update()`` on a given path);
- reading a run the user did: :func:`agent_history`, :func:`firingrate_history`,
  :func:`agent_parameters`;
- the attributes it keeps on objects (``Agent.history``, ``Environment.Agents`` /
  ``agents_dict``, ``FeedForwardLayer.inputs``, ``Environment.boundary_polygon``...).
"""

from __future__ import annotations

import contextlib
import copy
import io
import itertools
import warnings

import numpy as np

#: RatInABox releases the test suite was run against.
TESTED_VERSIONS = ("1.15.3",)
#: The range placedecode claims to support: ``>=1.15,<1.16`` (as ``(lower, upper)`` minor versions).
SUPPORTED_RANGE = ((1, 15), (1, 16))
#: Steps of Agent history kept by placedecode's hidden Agents (bounded, to save memory).
_HISTORY_WINDOW = 1024

_host_ids = itertools.count()
_version_checked = False


class UntestedRatInABoxWarning(UserWarning):
    """The installed RatInABox is outside the range placedecode was tested with."""


# --------------------------------------------------------------------- version, quiet, RNG
def ratinabox_version() -> str:
    """The installed RatInABox version string (``"unknown"`` for a source checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ratinabox")
    except PackageNotFoundError:  # pragma: no cover - installed from source
        return "unknown"


def check_version() -> None:
    """Warn once per process when RatInABox is outside :data:`SUPPORTED_RANGE`."""
    global _version_checked
    if _version_checked:
        return
    _version_checked = True
    text = ratinabox_version()
    try:
        key = tuple(int(part) for part in text.split(".")[:2])
    except ValueError:
        return
    lower, upper = SUPPORTED_RANGE
    if not lower <= key < upper:
        warnings.warn(
            f"RatInABox {text} is installed; placedecode was tested with RatInABox "
            f"{', '.join(TESTED_VERSIONS)} (supported: >={lower[0]}.{lower[1]},<{upper[0]}.{upper[1]}). "
            "Simulations may differ or fail; install a supported version with "
            f"pip install 'ratinabox>={lower[0]}.{lower[1]},<{upper[0]}.{upper[1]}'.",
            UntestedRatInABoxWarning,
            stacklevel=3,
        )


@contextlib.contextmanager
def quiet():
    """Swallow what RatInABox prints to stdout (it reports progress with ``print``)."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


@contextlib.contextmanager
def seeded_global_numpy(seed: int):
    """Seed NumPy's global generator for the duration of the block, then restore it.

    RatInABox draws from the global generator (no ``rng`` argument anywhere); placedecode
    seeds it around each call and restores the caller's state afterwards, also on errors.
    """
    saved = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(saved)


# ----------------------------------------------------------------------------- classes
def agent_class():
    from ratinabox.Agent import Agent

    return Agent


def environment_class():
    from ratinabox.Environment import Environment

    return Environment


def neurons_base():
    """``ratinabox.Neurons.Neurons``, the base class of every cell population."""
    from ratinabox.Neurons import Neurons

    return Neurons


def builtin_class(name: str) -> type:
    """A class of ``ratinabox.Neurons`` by name (``"PlaceCells"``, ``"GridCells"`` ...)."""
    import importlib

    module = importlib.import_module("ratinabox.Neurons")  # the module: the attribute is the class
    return getattr(module, name)


def builtin_dataset(name: str):
    """Path of a trajectory that ships inside RatInABox (``ratinabox/data/<name>.npz``)."""
    from pathlib import Path

    import ratinabox

    return Path(ratinabox.__file__).parent / "data" / f"{name}.npz"


def is_neurons_class(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, neurons_base())


def is_neurons(obj) -> bool:
    return isinstance(obj, neurons_base())


def is_agent(obj) -> bool:
    return isinstance(obj, agent_class())


def is_2d_only(cls: type) -> bool:
    """Whether RatInABox defines these cells only in 2D (boundary/object/agent vector cells)."""
    from ratinabox.Neurons import VectorCells

    return issubclass(cls, VectorCells)


def default_params(cls: type) -> dict:
    """Every default parameter of a Neurons class, its parents' included."""
    with quiet():
        return dict(cls.get_all_default_params())


def agent_default_params() -> dict:
    return dict(agent_class().default_params)


def environment_default_params() -> dict:
    return dict(environment_class().default_params)


def overrides(cls: type, base: type, method: str) -> bool:
    """Whether ``cls`` (a subclass of ``base``) defines its own ``method``."""
    return getattr(cls, method) is not getattr(base, method)


def input_layers(neurons) -> list:
    """The Neurons a layer reads from (``FeedForwardLayer.inputs``), in RatInABox's order."""
    inputs = getattr(neurons, "inputs", None)
    if not isinstance(inputs, dict):
        return []
    return [entry["layer"] for entry in inputs.values() if isinstance(entry, dict) and "layer" in entry]


# ------------------------------------------------------------------------- hidden agents
def detach(agent) -> None:
    """Remove ``agent`` from its Environment (``Environment.Agents`` and ``agents_dict``)."""
    env = agent.Environment
    if agent in env.Agents:
        env.Agents.remove(agent)
    getattr(env, "agents_dict", {}).pop(agent.name, None)


@contextlib.contextmanager
def host_agent(env, params: dict, seed: int | None = None):
    """A hidden RatInABox Agent on ``env``, removed from it when the block ends.

    Creating an Agent draws a start position and direction from the global generator:
    pass ``seed`` to seed those draws (the caller's state is restored). RatInABox's warning
    about 1D solid tracks with a non-zero mean speed is silenced: placedecode checks the
    path's coverage itself (:mod:`placedecode.sim._coverage`).
    """
    check_version()
    name = f"_placedecode_host_{next(_host_ids)}"
    seeding = seeded_global_numpy(seed) if seed is not None else contextlib.nullcontext()
    with seeding, quiet(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*solid 1D boundary conditions.*")
        agent = agent_class()(env, params={**params, "name": name})
    # Bookkeeping nobody reads on a hidden Agent (neither draws random numbers): skip it.
    agent.save_to_history = _no_op
    agent._update_distance_travelled = _no_op
    try:
        yield agent
    finally:
        detach(agent)


def _no_op(**kwargs) -> None:
    return None


def build_neurons(cls: type, agent, params: dict, seed: int):
    """``cls(agent, params)`` with seeded random parameters and without RatInABox's prints."""
    with seeded_global_numpy(seed), quiet():
        return cls(agent, dict(params))


def rebind(neurons, agent):
    """A copy of the user's ``neurons`` (and of the layers it reads from) bound to ``agent``.

    The copy is made with ``copy.deepcopy`` mapping the user's Agent to ``agent``, so the
    user's Neurons, Agent and Environment are never changed by placedecode's evaluation.
    """
    env = neurons.Agent.Environment
    memo = {id(neurons.Agent): agent, id(env): agent.Environment}
    clone = copy.deepcopy(neurons, memo)
    for layer in [clone, *all_inputs(clone)]:
        layer.save_history = False
        layer.history = {"t": [], "firingrate": [], "spikes": []}
    return clone


def all_inputs(neurons) -> list:
    """Every layer upstream of ``neurons`` (inputs of inputs ...), each once, inputs first."""
    order: list = []
    seen: set[int] = set()

    def visit(layer, depth=0):
        for upstream in input_layers(layer):
            if id(upstream) in seen or depth > 50:
                continue
            seen.add(id(upstream))
            visit(upstream, depth + 1)
            order.append(upstream)

    visit(neurons)
    return order


# ------------------------------------------------------------------------ motion loop
def run_agent(env, agent_params, n_steps, seed, times, positions, progress) -> dict:
    """Move a hidden Agent ``n_steps`` times with RatInABox's own per-step ``Agent.update``.

    With ``times``/``positions`` (a replayed path) the Agent is driven through the path
    resampled every ``dt`` from the first given time on (RatInABox's cubic interpolation,
    looping when the path is shorter than ``n_steps``), so sample ``k`` is the given path at
    ``times[0] + k dt``; velocity and head direction are RatInABox's, measured from the steps.
    Otherwise RatInABox's random motion model moves the Agent and ``t = dt, 2 dt, ...``
    (RatInABox stores the state after each step, not the initial one).

    Returns
    -------
    dict
        ``"t"`` (T,) in seconds and ``"position"``, ``"velocity"``, ``"head_direction"``,
        ``"agent_velocity"``, each (D, T).
    """
    from ._progress import Progress

    dt = agent_params["dt"]
    D = env.D
    names = ("position", "velocity", "head_direction", "agent_velocity")
    out = {name: np.empty((n_steps, D)) for name in names}
    forced = None if times is None else replay_positions(times, positions, dt, n_steps)
    with seeded_global_numpy(seed), quiet(), host_agent(env, agent_params) as agent:
        if forced is not None:
            _start_replay(agent, forced, dt)
        with Progress(n_steps, "Simulating trajectory", "step", enabled=progress) as bar:
            for i in range(n_steps):
                if forced is None:
                    agent.update()
                else:
                    agent.update(forced_next_position=forced[i].copy())
                out["position"][i] = agent.pos
                out["velocity"][i] = agent.measured_velocity
                out["head_direction"][i] = agent.head_direction
                out["agent_velocity"][i] = agent.velocity
                bar.advance()
    arrays = {name: np.ascontiguousarray(a.T) for name, a in out.items()}
    if forced is None:
        arrays["t"] = dt * np.arange(1, n_steps + 1)  # exact bin times (agent.t accumulates rounding)
    else:
        arrays["t"] = float(times[0]) + dt * np.arange(n_steps)
    return arrays


def _start_replay(agent, forced: np.ndarray, dt: float) -> None:
    """Put the Agent one step before the first sample, moving as over the first step.

    Then the first ``update`` measures the velocity of the path's first step (not a jump
    from RatInABox's random start position) and the head direction points along it.
    """
    first, second = forced[0], forced[min(1, forced.shape[0] - 1)]
    velocity = (second - first) / dt
    agent.pos = first - velocity * dt
    agent.prev_pos = agent.pos.copy()
    speed = float(np.linalg.norm(velocity))
    if speed > 0:
        agent.velocity = velocity.copy()
        agent.measured_velocity = velocity.copy()
        agent.head_direction = np.sign(velocity) if velocity.shape[0] == 1 else velocity / speed


def replay_positions(times, positions, dt, n_steps) -> np.ndarray:
    """The path ``positions`` (n, D) given at ``times`` (n,), resampled at ``times[0] + k dt``.

    Cubic interpolation, as RatInABox's ``Agent.import_trajectory``; each given sample is
    reproduced exactly at its own time. Past the end the path loops: one loop lasts the
    data's duration plus one sample spacing, so every given sample appears once per loop
    (RatInABox's own ``t % duration`` drops the last sample of each loop).
    """
    from scipy.interpolate import interp1d

    rel = np.asarray(times, float) - float(times[0])
    spacing = float(np.median(np.diff(rel)))
    period = rel[-1] + spacing
    elapsed = dt * np.arange(n_steps)
    loops = np.floor(elapsed / period + 1e-9)  # tolerance: 600 x 0.1 s is a full 60 s loop, not 59.99...
    query = np.clip(elapsed - loops * period, 0.0, rel[-1])
    kind = "cubic" if rel.shape[0] >= 4 else "linear"
    return np.asarray(interp1d(rel, positions, axis=0, kind=kind)(query), dtype=float).reshape(n_steps, -1)


# ------------------------------------------------------------------------ neurons loop
def step_neurons(agent, trajectory, stepped, fed, progress=False, desc="Per-step cells") -> None:
    """RatInABox's own per-step update loop over a given path.

    At each bin the hidden ``agent`` is put in the trajectory's state (``t``, ``pos``,
    ``velocity`` = the motion-model velocity, ``measured_velocity``, ``head_direction``, and
    a bounded ``history``); the populations in ``fed`` get their already computed rates as
    ``firingrate`` (what a ``FeedForwardLayer`` reads); then each population in ``stepped``
    runs ``Neurons.update()`` in order and its ``firingrate`` is stored.

    Parameters
    ----------
    agent : ratinabox Agent
        The Agent the ``stepped`` Neurons belong to.
    trajectory : Trajectory
    stepped : list of (Neurons, ndarray (n, T))
        Populations to update, with the array their rates (Hz) are written to.
    fed : list of (Neurons, ndarray (n, T))
        Populations whose rates are already known.
    """
    from ._progress import Progress

    position, velocity = trajectory.position, trajectory.velocity
    agent_velocity, head_direction, times = trajectory.agent_velocity, trajectory.head_direction, trajectory.t
    agent.dt = trajectory.dt
    agent.reset_history()
    history = agent.history
    steps = [(_step_function(neurons), neurons, out) for neurons, out in stepped]
    with Progress(trajectory.n_samples, desc, "step", enabled=progress) as bar:
        for i in range(trajectory.n_samples):
            agent.prev_t, agent.t = agent.t, float(times[i])
            agent.prev_pos = agent.pos
            agent.pos = position[:, i].copy()
            agent.velocity = agent_velocity[:, i].copy()
            agent.measured_velocity = velocity[:, i].copy()
            agent.head_direction = head_direction[:, i].copy()
            history["t"].append(agent.t)
            history["pos"].append(agent.pos.tolist())
            history["vel"].append(agent.measured_velocity.tolist())
            history["head_direction"].append(agent.head_direction.tolist())
            if len(history["t"]) > 2 * _HISTORY_WINDOW:
                for values in history.values():
                    del values[:-_HISTORY_WINDOW]
            for neurons, rates in fed:
                neurons.firingrate = rates[:, i]
            for update, neurons, out in steps:
                update()
                out[:, i] = neurons.firingrate
            bar.advance()
    agent.reset_history()


def _step_function(neurons):
    """``neurons.update`` or, when the class keeps RatInABox's own ``update`` and has no rate
    noise or history to keep, the same step without drawing zero noise: ``firingrate =
    get_state()`` (``Neurons.update`` is OU noise + ``get_state`` + history)."""
    base = neurons_base()
    if type(neurons).update is not base.update or noise_std(neurons) or getattr(neurons, "save_history", False):
        return neurons.update

    def update():
        if np.isnan(neurons.Agent.pos[0]):
            neurons.firingrate = np.zeros(neurons.n)
        else:
            neurons.firingrate = np.asarray(neurons.get_state()).reshape(-1)

    return update


# ---------------------------------------------------------------------- a user's run
def agent_parameters(agent) -> dict:
    """The motion parameters of a user's Agent (without ``dt``, ``name``, ``save_history``)."""
    params = dict(agent.params)
    for key in ("dt", "name", "save_history"):
        params.pop(key, None)
    return params


def agent_history(agent) -> dict:
    """The Agent's recorded path as arrays: ``t`` (T,) s, ``position``/``velocity``/``head_direction`` (D, T).

    Read from ``Agent.history`` without changing the Agent (not through
    ``get_history_arrays``, which caches on the Agent).
    """
    history = getattr(agent, "history", {})
    D = agent.Environment.D
    t = np.asarray(history.get("t", []), dtype=float)
    out = {"t": t}
    for key, name in (("pos", "position"), ("vel", "velocity"), ("head_direction", "head_direction")):
        values = history.get(key, [])
        out[name] = np.asarray(values, dtype=float).reshape(len(values), D).T if len(values) else None
    return out


def firingrate_history(neurons) -> tuple[np.ndarray, np.ndarray]:
    """``(t (T,), rates (n, T))`` from ``Neurons.history`` (without changing the Neurons)."""
    history = getattr(neurons, "history", {})
    t = np.asarray(history.get("t", []), dtype=float)
    values = history.get("firingrate", [])
    if not len(values):
        return t, np.empty((neurons.n, 0))
    rates = np.asarray(values, dtype=float).reshape(len(values), neurons.n).T
    return t, rates


def noise_std(neurons) -> float:
    """RatInABox's own per-step rate noise of a population (Hz; 0 = none)."""
    return float(getattr(neurons, "noise_std", 0) or 0)


# ------------------------------------------------------------------------ environment
def inside_environment(env, points: np.ndarray) -> np.ndarray:
    """Boolean mask (P,) of the 2-D ``points`` (P, 2) inside ``env`` (boundary minus holes)."""
    import shapely

    polygon = getattr(env, "boundary_polygon", None)
    if polygon is None:
        return np.ones(points.shape[0], dtype=bool)
    inside = shapely.contains_xy(polygon, points[:, 0], points[:, 1])
    for hole in getattr(env, "holes_polygons", []):
        inside &= ~shapely.contains_xy(hole, points[:, 0], points[:, 1])
    return inside


def walls(env) -> np.ndarray:
    """Wall segments (W, 2, 2) of a 2D environment (none with periodic boundaries)."""
    segments = getattr(env, "walls", None)
    if segments is None or len(segments) == 0:
        return np.empty((0, 2, 2))
    return np.asarray(segments, dtype=float).reshape(-1, 2, 2)
