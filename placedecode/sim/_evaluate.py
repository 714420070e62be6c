"""Firing rates of cell populations over a whole path: vectorised where valid, per step otherwise.

Each population is computed by one of three paths, recorded as ``Population.path``:

``"fast"``
    A vectorised evaluator over the whole path: placedecode's own for boundary vector
    cells (:mod:`._bvc`), random spatial neurons where RatInABox's distances are straight
    lines (:mod:`._fast_cells_random_spatial`), head direction, velocity and speed cells
    (RatInABox's ``get_state`` ignores ``pos`` for the last three), or the one given to
    :func:`~placedecode.sim.register_cell_type`.
``"get_state"``
    The class's own ``get_state(evaluate_at=None, pos=positions)`` over the path in chunks
    of at most :data:`CHUNK_BYTES` of temporaries (place, grid, object vector cells, random
    spatial neurons in rooms with inner walls, and the user's classes where valid).
``"per_step"``
    RatInABox's own per-step loop: the hidden Agent is put in each bin's state and
    ``Neurons.update()`` runs (:func:`placedecode.sim._ratinabox.step_neurons`).

**When is get_state valid?** For the built-in types, and subclasses that keep their
``get_state``, it is known to be. For any other class (``evaluation="auto"``) a probe
decides, on every recording: the population is built twice more with the same seed; one
copy runs the per-step loop over the first :data:`PROBE_BINS` bins, the other evaluates
``get_state`` on the same positions; if the shapes match and the rates agree to
:data:`PROBE_RTOL` (relative; RatInABox's own geometry jitters by ~1e-7), ``get_state`` is
used for the whole path, otherwise the per-step loop. A population that reads from a
per-step population is per-step too. The probe sees only the first bins: a class whose
state matters only later should be registered with ``evaluator="per_step"``.

Either way the rates equal what RatInABox's per-step loop would store in
``history["firingrate"]`` for the same path (without RatInABox's own rate noise:
placedecode adds noise itself, see :mod:`placedecode.sim._noise`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _ratinabox as rb
from ._bvc import boundary_vector_rates
from ._fast_cells_random_spatial import random_spatial_rates, straight_line_distances
from ._random import derive_seed

#: Bytes allowed for RatInABox's per-chunk temporaries (about n_cells x chunk x 32 bytes).
CHUNK_BYTES = 64 * 2**20
#: Bins over which a class's get_state is compared with the per-step loop.
PROBE_BINS = 16
#: Relative tolerance of that comparison.
PROBE_RTOL = 1e-6
#: Rates (cells x bins) from which placedecode's spatial evaluators show a progress bar (~1 s of work).
BAR_RATES = 5 * 10**6
#: placedecode's evaluators of position-tuned populations (:func:`spatial_rates`).
_SPATIAL = ("boundary_vector", "random_spatial")
_FAST = (*_SPATIAL, "head_direction", "velocity", "speed")
#: Evaluations whose class's ``get_state`` is known to equal the per-step loop (no probe needed).
_GET_STATE = ("position", "random_spatial")


class _Discard:
    """Output sink for layers stepped only because another layer reads them."""

    def __setitem__(self, index, value) -> None:
        pass


def chunk_size(n_cells: int, dims: int) -> int:
    """Positions per chunk so RatInABox's temporaries stay under :data:`CHUNK_BYTES`."""
    per_position = max(1, n_cells) * 8 * 4 * max(1, dims)
    return int(max(256, CHUNK_BYTES // per_position))


def get_state_rates(neurons, positions: np.ndarray, out: np.ndarray | None = None, progress=False,
                    desc: str = "Evaluating cells") -> np.ndarray:
    """``neurons.get_state(evaluate_at=None, pos=...)`` at ``positions`` (P, D), in chunks: (n, P) Hz."""
    from ._progress import Progress

    positions = np.asarray(positions, dtype=float)
    P = positions.shape[0]
    out = np.empty((neurons.n, P)) if out is None else out
    step = chunk_size(neurons.n, positions.shape[1])
    starts = range(0, P, step)
    with Progress(len(starts), desc, "chunk", enabled=progress and len(starts) > 1) as bar:
        for s in starts:
            chunk = np.ascontiguousarray(positions[s : s + step])
            values = np.asarray(neurons.get_state(evaluate_at=None, pos=chunk), dtype=float)
            if values.shape != (neurons.n, chunk.shape[0]):
                raise ValueError(
                    f"{type(neurons).__name__}.get_state(evaluate_at=None, pos=positions (P, D)) returned shape "
                    f"{values.shape}; expected (n_cells, P) = ({neurons.n}, {chunk.shape[0]}). Register the class "
                    "with evaluator='per_step' (or a vectorised evaluator) instead."
                )
            out[:, s : s + step] = values
            bar.advance()
    return out


def fast_rates(neurons, evaluation: str, trajectory, out: np.ndarray, progress: bool = False,
               desc: str = "Evaluating cells") -> None:
    """placedecode's vectorised evaluators: fill ``out`` (n, T) with the noiseless rates in Hz.

    The spatial evaluators show a progress bar over the path's bins (with ``progress``)
    when they compute at least :data:`BAR_RATES` rates.
    """
    if evaluation in _SPATIAL:
        from ._progress import Progress

        T = trajectory.n_samples
        with Progress(T, desc, "bin", enabled=progress and neurons.n * T >= BAR_RATES) as bar:
            spatial_rates(neurons, evaluation, trajectory.position.T, out, bar)
        return
    lo, hi = float(neurons.min_fr), float(neurons.max_fr)
    if evaluation == "speed":
        speed = np.linalg.norm(trajectory.velocity, axis=0)
        out[:] = (speed / neurons.one_sigma_speed)[None, :] * (hi - lo) + lo
        return
    # head direction and velocity cells share the direction tuning
    direction = trajectory.head_direction if evaluation == "head_direction" else trajectory.agent_velocity
    if trajectory.n_dims == 1:
        sign = np.sign(direction[0])
        tuning = np.stack([np.maximum(0, sign), np.maximum(0, -sign)])
    else:
        from ratinabox.utils import get_angle, von_mises

        unit = direction / np.linalg.norm(direction, axis=0, keepdims=True)
        angle = get_angle(unit.T, is_array=True)  # RatInABox's own convention (it offsets x by 1e-6)
        tuning = von_mises(angle[None, :], neurons.preferred_angles[:, None], neurons.angular_tunings[:, None], norm=1)
    rates = tuning * (hi - lo) + lo
    if evaluation == "velocity":
        rates = rates * (np.linalg.norm(direction, axis=0) / neurons.one_sigma_speed)[None, :]
    out[:] = rates


def fast_applies(neurons, evaluation) -> bool:
    """Whether placedecode's own evaluator ``evaluation`` computes this population exactly.

    Boundary vector cells: allocentric, with RatInABox's ``get_state`` and wall preference.
    Random spatial neurons: where RatInABox's distances are straight lines
    (:func:`~._fast_cells_random_spatial.straight_line_distances`). Otherwise the class's
    ``get_state`` is used (or the probe decides, for egocentric boundary vector cells).
    """
    if evaluation == "boundary_vector":
        base = rb.builtin_class("BoundaryVectorCells")
        return (_is_allocentric(neurons) and isinstance(neurons, base) and not any(
            rb.overrides(type(neurons), base, m) for m in ("get_state", "boundary_vector_preference_function")))
    if evaluation == "random_spatial":
        return straight_line_distances(neurons)
    return evaluation in _FAST


def spatial_rates(neurons, evaluation: str, positions: np.ndarray, out: np.ndarray | None = None,
                  bar=None) -> np.ndarray:
    """placedecode's evaluator of a spatial population (where :func:`fast_applies`): (n, P) Hz at (P, D).

    ``bar`` (a :class:`~._progress.Progress`), if given, advances by the positions done.
    """
    if evaluation == "boundary_vector":
        return boundary_vector_rates(neurons, positions, out, bar=bar)
    return random_spatial_rates(neurons, positions, out, bar=bar)


def _user_evaluator(evaluator, neurons, trajectory, out: np.ndarray, label: str) -> None:
    values = np.asarray(evaluator(neurons, trajectory), dtype=float)
    if values.shape != out.shape:
        raise ValueError(f"the evaluator of cell type {label!r} returned shape {values.shape}; expected "
                         f"(n_cells, T) = {out.shape}.")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"the evaluator of cell type {label!r} returned NaN or infinite rates.")
    out[:] = values


def _is_allocentric(neurons) -> bool:
    return getattr(neurons, "reference_frame", "allocentric") == "allocentric"


def _head(trajectory, k: int):
    """The first ``k`` bins of a trajectory (a light copy)."""
    return dataclasses.replace(
        trajectory, t=trajectory.t[:k], position=trajectory.position[:, :k], velocity=trajectory.velocity[:, :k],
        head_direction=trajectory.head_direction[:, :k], agent_velocity=trajectory.agent_velocity[:, :k])


def _hidden_inputs(neurons, known: list) -> list:
    """Layers ``neurons`` reads from that are not populations of the recording (a copied user layer's inputs)."""
    return [layer for layer in rb.all_inputs(neurons) if not any(layer is other for other in known)]


def probe_agrees(make, trajectory, agent, fed: list, known: list) -> bool:
    """Whether ``get_state`` equals the per-step loop on the first :data:`PROBE_BINS` bins.

    ``make()`` builds a fresh copy of the population (two are used, so that neither the
    population nor a class whose ``get_state`` keeps state is disturbed).
    """
    k = min(PROBE_BINS, trajectory.n_samples)
    short = _head(trajectory, k)
    vectorised_copy = make()
    try:
        vector = np.asarray(vectorised_copy.get_state(evaluate_at=None, pos=short.position.T.copy()), dtype=float)
    except Exception:  # noqa: BLE001 - any failure means get_state is not a path evaluator
        return False
    if vector.shape != (vectorised_copy.n, k) or not np.all(np.isfinite(vector)):
        return False
    stepped_copy = make()
    expected = np.empty((stepped_copy.n, k))
    stepped = [(layer, _Discard()) for layer in _hidden_inputs(stepped_copy, known)] + [(stepped_copy, expected)]
    rb.step_neurons(agent, short, stepped, [(layer, rates[:, :k]) for layer, rates in fed])
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    return bool(np.allclose(vector, expected, rtol=PROBE_RTOL, atol=PROBE_RTOL * scale))


def evaluate_populations(specs, built: dict, order: list, makers: dict, trajectory, agent, rates: np.ndarray,
                         rows: list, seed: int, progress: bool = False) -> dict:
    """Fill ``rates[rows[i]]`` for every population; return ``{index: path}``.

    Populations are evaluated in ``order`` (every one after those it reads from); the
    per-step populations run together in one loop at the end, fed with the rates of the
    vectorised populations they read from.
    """
    paths: dict[int, str] = {}
    known = list(built.values())
    for i in order:
        spec, neurons, out = specs[i], built[i], rates[rows[i]]
        evaluation = spec.cell_type.evaluation
        fed = [(built[j], rates[rows[j]]) for j in spec.inputs]
        with rb.seeded_global_numpy(derive_seed(seed, "evaluate", i)):
            if any(paths[j] == "per_step" for j in spec.inputs) or evaluation == "per_step":
                path = "per_step"
            elif callable(evaluation):
                _user_evaluator(evaluation, neurons, trajectory, out, spec.label)
                path = "fast"
            elif evaluation in _FAST and fast_applies(neurons, evaluation):
                fast_rates(neurons, evaluation, trajectory, out, progress, f"Evaluating {spec.label} cells")
                path = "fast"
            elif evaluation in _GET_STATE or probe_agrees(makers[i], trajectory, agent, fed, known):
                get_state_rates(neurons, trajectory.position.T, out, progress, f"Evaluating {spec.label} cells")
                path = "get_state"
            else:
                path = "per_step"
        paths[i] = path
    stepped_indices = [i for i in order if paths[i] == "per_step"]
    if stepped_indices:
        stepped, feeding = [], set()
        for i in stepped_indices:
            stepped += [(layer, _Discard()) for layer in _hidden_inputs(built[i], known)]
            stepped.append((built[i], rates[rows[i]]))
            feeding.update(j for j in specs[i].inputs if paths[j] != "per_step")
        fed = [(built[j], rates[rows[j]]) for j in sorted(feeding)]
        labels = ", ".join(specs[i].label for i in stepped_indices)
        with rb.seeded_global_numpy(derive_seed(seed, "per-step")):
            rb.step_neurons(agent, trajectory, stepped, fed, progress, desc=f"Per-step {labels} cells")
    return paths


def rates_at(neurons, cell_type, positions: np.ndarray, path: str | None = None) -> np.ndarray | None:
    """Noiseless rates (n_cells, P) of a spatial population at ``positions`` (P, D); None if not spatial.

    Spatial means: boundary vector cells (allocentric) and random spatial neurons (by
    placedecode's evaluators where they apply), or a population whose rates are its
    ``get_state`` of position (``evaluation="position"`` or ``path="get_state"``).
    """
    evaluation = cell_type.evaluation
    if evaluation in _SPATIAL and fast_applies(neurons, evaluation):
        return spatial_rates(neurons, evaluation, positions)
    if evaluation in _GET_STATE or path == "get_state":
        return get_state_rates(neurons, positions)
    return None


def population_rates_at(population, positions: np.ndarray) -> np.ndarray | None:
    """Rates (len(population.rows), P) of a Recording's population at ``positions``; None if not spatial."""
    from ._cells import CELL_TYPES

    cell_type = population.kind if getattr(population, "kind", None) is not None else CELL_TYPES[population.cell_type]
    values = rates_at(population.neurons, cell_type, positions, getattr(population, "path", None))
    return None if values is None else values[population.local]
