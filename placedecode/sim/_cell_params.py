"""Per-cell parameters of a population (``Recording.cell_params``), one row per cell."""

from __future__ import annotations

import numpy as np

from . import _ratinabox as rb
from ._evaluate import CHUNK_BYTES, rates_at

#: Grid spacing (m) on which the rate-map peak of non-place spatial cells is searched.
PEAK_GRID = 0.02


def rate_map_peaks(neurons, cell_type, env, path=None) -> np.ndarray | None:
    """Position (n, D) of each cell's highest model rate on a :data:`PEAK_GRID` grid; None if not spatial.

    Evaluated over the grid in chunks of positions (the rates of every cell at every grid
    point would be n x 2,500 floats in a 1 m box: 20 GB for a million cells).
    """
    D = env.D
    coords = env.discretise_environment(dx=PEAK_GRID).reshape(-1, D)
    step = max(64, CHUNK_BYTES // (8 * 4 * max(1, neurons.n)))
    best = np.full(neurons.n, -np.inf)
    where = np.zeros(neurons.n, dtype=np.int64)
    for s in range(0, coords.shape[0], step):
        values = rates_at(neurons, cell_type, coords[s : s + step], path)
        if values is None:
            return None
        arg = np.argmax(values, axis=1)
        peak = values[np.arange(neurons.n), arg]
        better = peak > best
        best[better], where[better] = peak[better], s + arg[better]
    return coords[where]


def cell_parameters(neurons, cell_type, env, path=None) -> dict[str, np.ndarray]:
    """Per-cell parameters for weight maps and analysis, one row per cell.

    ``centre`` (n, D) is the place-field centre for place cells and the peak of the model
    rate map (on a 2 cm grid) for other spatial cells; NaN for non-spatial cells. The
    parameters are read by RatInABox class, so a user's subclass of ``PlaceCells`` or
    ``GridCells`` reports widths, grid scales ... like the built-in types.
    """
    n, D = neurons.n, env.D
    cls = rb.builtin_class
    p: dict[str, np.ndarray] = {
        "max_fr": np.full(n, float(getattr(neurons, "max_fr", np.nan))),
        "min_fr": np.full(n, float(getattr(neurons, "min_fr", np.nan))),
    }
    if isinstance(neurons, cls("PlaceCells")):
        p["centre"] = np.asarray(neurons.place_cell_centres, float).reshape(n, D)
        p["width"] = np.asarray(neurons.place_cell_widths, float).reshape(n)
    else:
        peaks = rate_map_peaks(neurons, cell_type, env, path)
        p["centre"] = np.full((n, D), np.nan) if peaks is None else peaks
    if isinstance(neurons, cls("GridCells")):
        p["gridscale"] = np.asarray(neurons.gridscales, float)
        p["phase_offset"] = np.asarray(neurons.phase_offsets, float).reshape(n, -1)
        if D == 2:
            p["orientation"] = np.asarray(neurons.orientations, float)
    if isinstance(neurons, (cls("BoundaryVectorCells"), cls("ObjectVectorCells"))):
        for attr in ("tuning_distances", "tuning_angles", "sigma_distances", "sigma_angles"):
            p[attr[:-1]] = np.asarray(getattr(neurons, attr), float)
    if isinstance(neurons, cls("HeadDirectionCells")):
        if D == 2:
            p["preferred_angle"] = np.asarray(neurons.preferred_angles, float)
        else:
            p["preferred_angle"] = np.array([0.0, np.pi])
    if isinstance(neurons, cls("RandomSpatialNeurons")):
        p["lengthscale"] = np.full(n, float(neurons.lengthscale))
    return p


def stack_params(per_cell: list[dict], counts: list[int]) -> dict:
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
