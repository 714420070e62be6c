"""The cell-type registry and vectorised evaluation of firing rates over a whole path.

Each registered type maps a short name to a RatInABox Neurons class, default parameters
and how its rates are evaluated for all time points at once:

- ``"position"``: ``Neurons.get_state(evaluate_at=None, pos=positions)`` in chunks (place,
  grid, object vector, random spatial cells);
- ``"boundary_vector"``: RatInABox's boundary-vector model (Barry & Burgess 2007) computed
  by :func:`boundary_vector_rates`, which ray-casts each position once for all cells
  instead of tiling (cells x positions x directions) arrays as RatInABox does (~20x faster);
- ``"head_direction"`` / ``"velocity"`` / ``"speed"``: RatInABox's tuning functions applied
  to the whole head-direction / velocity series (RatInABox's own ``get_state`` ignores
  ``pos`` for these cells).

Either way the result equals what RatInABox's per-step ``Neurons.update()`` loop stores in
``history["firingrate"]`` for the same path (without RatInABox's own OU noise; placedecode
adds noise itself, see :mod:`placedecode.sim._noise`).
"""

from __future__ import annotations

import contextlib
import io
import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._random import derive_seed, seeded_global_numpy

#: Bytes allowed for RatInABox's per-chunk temporaries (about n_cells x chunk x 32 bytes).
CHUNK_BYTES = 64 * 2**20


@dataclass(frozen=True)
class CellType:
    """One entry of the registry.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"place"``.
    ratinabox_class : str
        Class name in ``ratinabox.Neurons``.
    defaults : dict
        Parameters placed over RatInABox's class defaults (the user's override these).
    evaluation : str
        ``"position"``, ``"boundary_vector"``, ``"head_direction"``, ``"velocity"`` or
        ``"speed"``.
    requires_2d : bool
        Whether the cells only exist in 2D environments.
    fixed_n : callable or None
        For types whose count is set by the environment (``speed`` is one cell, head
        direction in 1D is two): a function of the dimensionality returning the count.
    description : str
        One line for docs and error messages.
    """

    name: str
    ratinabox_class: str
    defaults: dict = field(default_factory=dict)
    evaluation: str = "position"
    requires_2d: bool = False
    fixed_n: Callable[[int], int | None] | None = None
    description: str = ""


CELL_TYPES: dict[str, CellType] = {}


def register_cell_type(cell_type: CellType, *, overwrite: bool = False) -> None:
    """Add a cell type to the registry so ``record(cells=name)`` can use it."""
    if cell_type.name in CELL_TYPES and not overwrite:
        raise ValueError(f"cell type {cell_type.name!r} is already registered; pass overwrite=True.")
    if cell_type.evaluation not in ("position", "boundary_vector", "head_direction", "velocity", "speed"):
        raise ValueError(f"unknown evaluation {cell_type.evaluation!r} for cell type {cell_type.name!r}.")
    CELL_TYPES[cell_type.name] = cell_type


for _ct in (
    CellType(
        "place",
        "PlaceCells",
        {"widths": 0.15, "place_cell_centres": "uniform"},
        description="Gaussian place fields (width 0.15 m, centres on a uniform grid, as in the tutorial)",
    ),
    CellType("grid", "GridCells", {}, description="grid cells, three modules (0.3, 0.5, 0.8 m)"),
    CellType(
        "boundary_vector",
        "BoundaryVectorCells",
        {},
        evaluation="boundary_vector",
        requires_2d=True,
        description="allocentric boundary vector cells (fire at a distance and direction from walls)",
    ),
    CellType(
        "object_vector",
        "ObjectVectorCells",
        {},
        requires_2d=True,
        description="object vector cells (need objects: environment={'objects': [[x, y], ...]})",
    ),
    CellType(
        "random_spatial",
        "RandomSpatialNeurons",
        {"lengthscale": 0.1},
        description="smooth random spatial tuning (Gaussian-process samples)",
    ),
    CellType(
        "head_direction",
        "HeadDirectionCells",
        {},
        evaluation="head_direction",
        fixed_n=lambda D: 2 if D == 1 else None,
        description="head direction cells (von Mises tuning; two cells, left and right, in 1D)",
    ),
    CellType(
        "velocity",
        "VelocityCells",
        {},
        evaluation="velocity",
        fixed_n=lambda D: 2 if D == 1 else None,
        description="velocity cells (head direction tuning scaled by speed)",
    ),
    CellType(
        "speed",
        "SpeedCell",
        {},
        evaluation="speed",
        fixed_n=lambda D: 1,
        description="a speed cell (rate proportional to running speed)",
    ),
):
    register_cell_type(_ct)


def _known() -> str:
    return ", ".join(f"{k!r}" for k in CELL_TYPES)


def parse_cells(cells, n_cells, cell_params, dimensionality: int) -> list[tuple[str, int, dict]]:
    """Normalise the ``cells`` / ``n_cells`` / ``cell_params`` arguments of :func:`record`.

    Returns a list of ``(type_name, n, params)``.
    """
    if isinstance(cells, str):
        spec = {cells: n_cells}
        params_by_type = {cells: dict(cell_params or {})}
    elif isinstance(cells, dict):
        if not cells:
            raise ValueError("cells must name at least one cell type; got an empty mapping.")
        spec = dict(cells)
        if cell_params is None:
            params_by_type = {}
        elif isinstance(cell_params, dict) and set(cell_params) <= set(spec):
            params_by_type = {k: dict(v) for k, v in cell_params.items()}
        else:
            raise ValueError(
                "with a mapping of cells, cell_params must map cell-type names to parameter "
                f"dicts, e.g. {{'place': {{'widths': 0.1}}}}; got keys {sorted(cell_params)} "
                f"for cell types {sorted(spec)}."
            )
    else:
        raise TypeError(
            "cells must be a cell-type name (e.g. 'place') or a mapping of names to counts "
            f"(e.g. {{'place': 50, 'grid': 30}}); got {type(cells).__name__}."
        )
    out = []
    for name, n in spec.items():
        if name not in CELL_TYPES:
            raise ValueError(f"unknown cell type {name!r}; known cell types: {_known()}.")
        label = "n_cells" if isinstance(cells, str) else f"cells[{name!r}]"
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"{label} must be a positive integer; got {type(n).__name__} {n!r}.")
        if n < 1:
            raise ValueError(f"{label} must be >= 1; got {n}.")
        ct = CELL_TYPES[name]
        if ct.requires_2d and dimensionality != 2:
            raise ValueError(
                f"cell type {name!r} needs a 2D environment but the trajectory is "
                f"{dimensionality}D; use a 2D environment or another cell type."
            )
        fixed = ct.fixed_n(dimensionality) if ct.fixed_n else None
        if fixed is not None and n != fixed:
            raise ValueError(
                f"{label}: a {dimensionality}D environment has exactly {fixed} {name!r} "
                f"cell(s); got {n}."
            )
        params = params_by_type.get(name, {})
        if not isinstance(params, dict):
            raise TypeError(f"cell_params for {name!r} must be a dict; got {type(params).__name__}.")
        if params.get("noise_std"):
            raise ValueError(
                "cell_params['noise_std'] is RatInABox's per-step noise, which vectorised "
                "evaluation does not use; pass noise=<std in Hz> to record() instead."
            )
        out.append((name, int(n), params))
    return out


def build_population(name, n, params, agent, seed, index) -> object:
    """Instantiate the RatInABox Neurons for one population, seeded independently."""
    import importlib

    rn = importlib.import_module("ratinabox.Neurons")  # the module (attribute access gives the class)
    ct = CELL_TYPES[name]
    cls = getattr(rn, ct.ratinabox_class)
    merged = {**ct.defaults, **params}
    merged["n"] = n  # also for fixed-size types: RatInABox mis-sizes SpeedCell otherwise
    merged.setdefault("name", f"{name}_{index}")
    merged["save_history"] = False
    if name == "place" and isinstance(merged.get("place_cell_centres"), np.ndarray):
        merged["n"] = len(merged["place_cell_centres"])
    if name == "object_vector" and len(agent.Environment.objects["objects"]) == 0:
        raise ValueError(
            "object_vector cells need objects in the environment; pass e.g. "
            "environment={'objects': [[0.3, 0.7], [0.7, 0.3]]}."
        )
    with seeded_global_numpy(derive_seed(seed, "population", index, name)), contextlib.redirect_stdout(
        io.StringIO()
    ):
        neurons = cls(agent, merged)
    if neurons.n != n:
        raise ValueError(
            f"cell_params for {name!r} define {neurons.n} cells but {n} were requested; "
            "make n_cells match the parameters you pass (e.g. len(place_cell_centres))."
        )
    return neurons


def chunk_size(n_cells: int, dims: int) -> int:
    """Positions per chunk so RatInABox's temporaries stay under :data:`CHUNK_BYTES`."""
    per_position = max(1, n_cells) * 8 * 4 * max(1, dims)
    return int(max(256, CHUNK_BYTES // per_position))


def evaluate(population_neurons, cell_type: CellType, trajectory, out: np.ndarray, progress=False) -> None:
    """Fill ``out`` (n, T) with the population's noiseless rates in Hz along ``trajectory``."""
    neurons = population_neurons
    lo, hi = float(neurons.min_fr), float(neurons.max_fr)
    D = trajectory.n_dims
    if cell_type.evaluation == "position":
        pos = trajectory.position.T  # (T, D) view
        T = pos.shape[0]
        step = chunk_size(neurons.n, D)
        starts = range(0, T, step)
        if progress and len(starts) > 1:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc=f"Evaluating {cell_type.name} cells", unit="chunk", leave=False)
        for s in starts:
            chunk = np.ascontiguousarray(pos[s : s + step])
            out[:, s : s + step] = neurons.get_state(evaluate_at=None, pos=chunk)
        return
    if cell_type.evaluation == "boundary_vector":
        pos = trajectory.position.T
        step = max(256, CHUNK_BYTES // (8 * 4 * max(1, neurons.n) * len(neurons.test_angles)))
        for s in range(0, pos.shape[0], step):
            out[:, s : s + step] = boundary_vector_rates(neurons, pos[s : s + step])
        return
    if cell_type.evaluation == "speed":
        speed = np.linalg.norm(trajectory.velocity, axis=0)
        out[:] = (speed / neurons.one_sigma_speed)[None, :] * (hi - lo) + lo
        return
    # head direction and velocity cells share the direction tuning
    direction = trajectory.head_direction if cell_type.evaluation == "head_direction" else trajectory.agent_velocity
    if D == 1:
        sign = np.sign(direction[0])
        tuning = np.stack([np.maximum(0, sign), np.maximum(0, -sign)])
    else:
        from ratinabox.utils import get_angle, von_mises

        unit = direction / np.linalg.norm(direction, axis=0, keepdims=True)
        angle = get_angle(unit.T, is_array=True)  # RatInABox's own convention (it offsets x by 1e-6)
        tuning = von_mises(
            angle[None, :],
            neurons.preferred_angles[:, None],
            neurons.angular_tunings[:, None],
            norm=1,
        )
    rates = tuning * (hi - lo) + lo
    if cell_type.evaluation == "velocity":
        rates = rates * (np.linalg.norm(direction, axis=0) / neurons.one_sigma_speed)[None, :]
    out[:] = rates


def rates_at(neurons, cell_type: CellType, positions: np.ndarray) -> np.ndarray:
    """Noiseless rates (n_cells, P) of a spatial population at ``positions`` (P, D)."""
    if cell_type.evaluation == "boundary_vector":
        return boundary_vector_rates(neurons, positions)
    return neurons.get_state(evaluate_at=None, pos=positions)


def first_wall_distances(positions: np.ndarray, directions: np.ndarray, walls: np.ndarray) -> np.ndarray:
    """Distance (m) from each position to the first wall along each unit direction.

    Parameters
    ----------
    positions : ndarray of shape (P, 2)
    directions : ndarray of shape (K, 2)
        Unit vectors.
    walls : ndarray of shape (W, 2, 2)
        Wall segments ``[[x0, y0], [x1, y1]]``.

    Returns
    -------
    ndarray of shape (P, K)
        ``inf`` where a ray meets no wall (never inside a closed environment).

    Notes
    -----
    The ray ``p + l u`` meets the wall ``a + m (b - a)`` at
    ``l = ((a - p) x s) / (u x s)``, ``m = ((a - p) x u) / (u x s)`` with ``s = b - a`` and
    ``x`` the 2-D cross product; a hit needs ``l > 0`` and ``0 <= m <= 1``, as in
    ``ratinabox.utils.vector_intercepts`` (which also jitters the segments by ~1e-9 m).
    """
    P, K = positions.shape[0], directions.shape[0]
    best = np.full((P, K), np.inf)
    ux, uy = directions[:, 0][None, :], directions[:, 1][None, :]
    for (ax, ay), (bx, by) in np.asarray(walls, float):
        sx, sy = bx - ax, by - ay
        dx = (ax - positions[:, 0])[:, None]  # (P, 1)
        dy = (ay - positions[:, 1])[:, None]
        denom = ux * sy - uy * sx  # (1, K)
        with np.errstate(divide="ignore", invalid="ignore"):
            lam = (dx * sy - dy * sx) / denom
            mu = (dx * uy - dy * ux) / denom
        hit = (lam > 0) & (mu >= 0) & (mu <= 1)
        np.minimum(best, np.where(hit, lam, np.inf), out=best)
    return best


def boundary_vector_rates(neurons, positions: np.ndarray) -> np.ndarray:
    """Rates (n_cells, P) in Hz of allocentric RatInABox BoundaryVectorCells at ``positions``.

    The model of ``BoundaryVectorCells.get_state``: for each test direction ``θ_k``
    (every ``dtheta`` degrees), the first wall at distance ``d_k`` contributes
    ``exp(-(d_k - d_c)² / 2σ_d,c²) · vonMises(θ_k; φ_c, σ_φ,c)``; the sum over directions
    is divided by the cell's maximum and scaled to ``[min_fr, max_fr]``.
    """
    if getattr(neurons, "reference_frame", "allocentric") != "allocentric":
        raise ValueError(
            "boundary_vector cells with reference_frame='egocentric' are not supported by "
            "vectorised evaluation; use the default allocentric frame."
        )
    from ratinabox.utils import von_mises

    dist = first_wall_distances(np.asarray(positions, float).reshape(-1, 2), neurons.test_directions,
                                neurons.Agent.Environment.walls)  # (P, K)
    angular = von_mises(
        neurons.test_angles[None, :], neurons.tuning_angles[:, None], neurons.sigma_angles[:, None], norm=1
    )  # (n, K)
    mu = neurons.tuning_distances[:, None, None]
    sigma = neurons.sigma_distances[:, None, None]
    radial = np.exp(-((dist[None, :, :] - mu) ** 2) / (2 * sigma**2))  # (n, P, K)
    rates = np.einsum("npk,nk->np", radial, angular) / neurons.cell_fr_norm[:, None]
    return rates * (neurons.max_fr - neurons.min_fr) + neurons.min_fr


def cell_parameters(neurons, cell_type: CellType, env) -> dict[str, np.ndarray]:
    """Per-cell parameters for weight maps and analysis, one row per cell.

    ``centre`` (n, D) is the place-field centre for place cells and the peak of the model
    rate map (on a 2 cm grid) for other spatial cells; NaN for non-spatial cells.
    """
    n, D = neurons.n, env.D
    p: dict[str, np.ndarray] = {
        "max_fr": np.full(n, float(neurons.max_fr)),
        "min_fr": np.full(n, float(neurons.min_fr)),
    }
    if cell_type.name == "place":
        p["centre"] = np.asarray(neurons.place_cell_centres, float).reshape(n, D)
        p["width"] = np.asarray(neurons.place_cell_widths, float).reshape(n)
    elif cell_type.evaluation in ("position", "boundary_vector"):
        coords = env.discretise_environment(dx=0.02).reshape(-1, D)
        rates = rates_at(neurons, cell_type, coords)
        p["centre"] = coords[np.argmax(rates, axis=1)]
    else:
        p["centre"] = np.full((n, D), np.nan)
    if cell_type.name == "grid":
        p["gridscale"] = np.asarray(neurons.gridscales, float)
        p["phase_offset"] = np.asarray(neurons.phase_offsets, float).reshape(n, -1)
        if D == 2:
            p["orientation"] = np.asarray(neurons.orientations, float)
    if cell_type.name in ("boundary_vector", "object_vector"):
        for attr in ("tuning_distances", "tuning_angles", "sigma_distances", "sigma_angles"):
            p[attr[:-1]] = np.asarray(getattr(neurons, attr), float)
    if cell_type.evaluation in ("head_direction", "velocity"):
        if D == 2:
            p["preferred_angle"] = np.asarray(neurons.preferred_angles, float)
        else:
            p["preferred_angle"] = np.array([0.0, np.pi])
    if cell_type.name == "random_spatial":
        p["lengthscale"] = np.full(n, float(neurons.lengthscale))
    return p
