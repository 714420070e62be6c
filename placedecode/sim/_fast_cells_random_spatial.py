"""RatInABox's RandomSpatialNeurons evaluated for many positions at once, where distances are straight.

``RandomSpatialNeurons`` (RatInABox 1.15.3) samples each cell's tuning once, at
construction: a Gaussian-process draw ``targets`` (M, n) on a grid of points ``X`` (M, D)
of the environment. Its ``get_state`` then returns, for a position ``p``,

``r(p) = Σ_m w_m(p) targets[m]``, ``w_m(p) = k(p, X_m) / Σ_m' k(p, X_m')``,
``k(p, x) = exp(-d(p, x)² / 2ℓ²)``,

with ``d`` the distance "accounting for the environment"
(``Environment.get_distances_between___accounting_for_environment``), which builds
(P x M x 2 x D) line-segment arrays on every call. Wherever that distance is the
straight-line one, :func:`random_spatial_rates` computes the same sum with (P x M)
temporaries in blocks; :func:`straight_line_distances` says where that is.
"""

from __future__ import annotations

import numpy as np

from . import _ratinabox as rb

#: Bytes of the (positions x grid points) distance block computed at once.
BLOCK_BYTES = 1 * 2**20


def straight_line_distances(neurons) -> bool:
    """Whether RatInABox measures this population's distances in straight lines (periodic: the short way).

    True for RatInABox's own kernel and ``get_state`` (a subclass may not replace either)
    in 1D, with ``wall_geometry="euclidean"``, and in 2D rooms whose only walls are the four
    of the boundary: there ``"geodesic"`` and ``"line_of_sight"`` measure straight lines too
    (RatInABox treats ``walls[4:]`` as the walls inside the room). False with inner walls,
    holes or a boundary of more than four sides (then placedecode calls ``get_state``).
    """
    base = rb.builtin_class("RandomSpatialNeurons")
    if not isinstance(neurons, base) or any(rb.overrides(type(neurons), base, m) for m in ("get_state", "kernel")):
        return False
    env = neurons.Agent.Environment
    if env.dimensionality == "1D" or neurons.wall_geometry == "euclidean":
        return True
    walls = len(rb.walls(env))
    if neurons.wall_geometry == "geodesic":
        return walls == 4  # RatInABox's geodesic distance: straight with exactly the four boundary walls
    return neurons.wall_geometry == "line_of_sight" and walls <= 4


def random_spatial_rates(neurons, positions: np.ndarray, out: np.ndarray | None = None, bar=None) -> np.ndarray:
    """Rates (n_cells, P) in Hz of RatInABox RandomSpatialNeurons at ``positions`` (P, D) in metres.

    Valid where :func:`straight_line_distances` is True. The distance from ``p`` to a grid
    point ``x`` is ``sqrt(Σ_i v_i²)`` with ``v = p - x``; with periodic boundaries each
    component longer than half the environment's ``scale`` goes the other way round,
    ``v_i -> -sign(v_i) (scale - |v_i|)``, as RatInABox does. The weights are normalised
    after the sum (``Σ_m k_m targets[m] / Σ_m k_m``, one matrix product), which changes the
    rates by ~1e-16 relative. ``out`` (n_cells, P), if given, receives the rates; ``bar`` (a
    :class:`~placedecode.sim._progress.Progress`), if given, advances by the positions done.
    """
    env = neurons.Agent.Environment
    grid = np.asarray(neurons.X, dtype=float)  # (M, D)
    M, D = grid.shape
    positions = np.asarray(positions, dtype=float).reshape(-1, D)
    P = positions.shape[0]
    out = np.empty((neurons.n, P)) if out is None else out
    # [targets | 1]: one product gives the weighted sums and the normalisation Σ_m k(p, X_m)
    targets = np.hstack([np.asarray(neurons.targets, dtype=float), np.ones((M, 1))])  # (M, n + 1)
    periodic = env.boundary_conditions == "periodic"
    minus_two_l2 = -2 * neurons.lengthscale**2
    step = int(max(1, BLOCK_BYTES // (8 * 2 * M)))
    d2, v = np.empty((min(step, P), M)), np.empty((min(step, P), M))
    for s in range(0, P, step):
        pos = positions[s : s + step]
        k, vk = d2[: pos.shape[0]], v[: pos.shape[0]]
        for i in range(D):
            np.subtract(pos[:, i, None], grid[None, :, i], out=vk if i else k)
            if periodic:
                _wrap(vk if i else k, env.scale)
            if i:
                np.multiply(vk, vk, out=vk)
                np.add(k, vk, out=k)
            else:
                np.multiply(k, k, out=k)
        np.sqrt(k, out=k)  # RatInABox's np.linalg.norm, squared again by its kernel
        np.multiply(k, k, out=k)
        np.divide(k, minus_two_l2, out=k)
        np.exp(k, out=k)
        sums = k @ targets  # (block, n + 1)
        out[:, s : s + step] = (sums[:, :-1] / sums[:, -1:]).T
        if bar is not None:
            bar.advance(pos.shape[0])
    return out


def _wrap(v: np.ndarray, scale: float) -> None:
    """Periodic shortest vectors in place: components longer than ``scale / 2`` go the other way round."""
    flip = np.abs(v) > scale / 2
    v[flip] = -np.sign(v[flip]) * (scale - np.abs(v[flip]))
