"""Boundary vector cells evaluated for many positions at once (Barry & Burgess 2007).

RatInABox 1.15.3's ``BoundaryVectorCells.get_state`` builds (positions x test directions x
walls x 2) arrays, jitters every segment by ~1e-9 m with fresh random draws, and evaluates
the tuning on (cells x positions x directions) temporaries the size of the whole request.
Here the same model is computed in two steps:

1. :func:`first_wall_distances`: each position is ray-cast once for all cells (compiled
   with numba where it is installed, NumPy otherwise), with RatInABox's rule for which
   wall a ray meets first;
2. :func:`boundary_vector_rates`: the tuning, summed over directions in blocks of
   positions small enough to stay in the processor's cache (:data:`BLOCK_BYTES`).

Without RatInABox's jitter the rates equal its ``get_state`` to ~1e-15 relative (the tests
switch the jitter off to check this); with it, RatInABox differs from itself by ~1e-7.
"""

from __future__ import annotations

import functools

import numpy as np

#: Bytes of the (cells x positions x directions) block of tuning values computed at once.
BLOCK_BYTES = 2 * 2**20
#: Bytes of the (positions x directions x walls) temporaries of the NumPy ray casting.
RAY_BYTES = 16 * 2**20


@functools.lru_cache(maxsize=1)
def kernels():
    """The compiled kernels (:mod:`._fast_cells_kernel`), or None without a working numba."""
    try:
        from . import _fast_cells_kernel
    except Exception:  # noqa: BLE001 - a missing or broken numba must not break placedecode
        return None
    return _fast_cells_kernel


def _use_kernels(compiled: bool | None):
    """The kernel module if ``compiled`` is True or None (and numba works); None for NumPy."""
    module = kernels() if compiled is not False else None
    if compiled and module is None:
        raise ImportError("the compiled boundary vector kernels need numba (pip install numba).")
    return module


def first_wall_distances(positions: np.ndarray, directions: np.ndarray, walls: np.ndarray,
                         compiled: bool | None = None) -> np.ndarray:
    """Distance (m) from each position to the first wall along each unit direction.

    Parameters
    ----------
    positions : ndarray of shape (P, 2)
        Positions in metres.
    directions : ndarray of shape (K, 2)
        Unit vectors.
    walls : ndarray of shape (W, 2, 2)
        Wall segments ``[[x0, y0], [x1, y1]]`` in metres, ``W >= 1``.
    compiled : bool, optional
        Use the numba kernel (True), NumPy (False), or the kernel where it imports (None).

    Returns
    -------
    ndarray of shape (P, K)
        Distances in metres.

    Notes
    -----
    The ray ``p + l u`` meets the line of the wall ``a + m s`` (``s = b - a``) at

    ``l = ((a - p) . s^perp) / (u . s^perp)``, ``m = ((p - a) . u^perp) / (s . u^perp)``,

    with ``v^perp = (-v_y, v_x)``, as in ``ratinabox.utils.vector_intercepts``. RatInABox
    scores each wall ``-1`` if ``l < 0``, ``m < 0`` or ``m > 1``; otherwise ``1 / l`` if
    ``l > 0`` and ``0`` if ``l = 0``; the distance is the ``l`` of the best-scoring wall (the
    first of equal scores, as ``np.argmax``): the nearest wall ahead, which in a closed
    environment every ray meets.
    """
    positions = np.ascontiguousarray(positions, dtype=float).reshape(-1, 2)
    directions = np.ascontiguousarray(directions, dtype=float)
    walls = np.ascontiguousarray(walls, dtype=float).reshape(-1, 2, 2)
    if walls.shape[0] == 0:
        raise ValueError("boundary vector cells need walls: the environment has none (periodic boundaries?).")
    s = walls[:, 1] - walls[:, 0]  # (W, 2)
    ux, uy = directions[:, 0][:, None], directions[:, 1][:, None]  # (K, 1)
    with np.errstate(divide="ignore"):
        inv_den_a = 1.0 / (ux * (-s[None, :, 1]) + uy * s[None, :, 0])  # (K, W)
        inv_den_b = 1.0 / (s[None, :, 0] * (-uy) + s[None, :, 1] * ux)
    kernel = _use_kernels(compiled)
    out = np.empty((positions.shape[0], directions.shape[0]))
    if kernel is not None:
        kernel.first_wall_distances(positions, directions, walls, inv_den_a, inv_den_b, out)
        return out
    step = max(1, RAY_BYTES // (8 * 4 * directions.shape[0] * walls.shape[0]))
    for start in range(0, positions.shape[0], step):
        out[start : start + step] = _numpy_distances(positions[start : start + step], directions, walls,
                                                     inv_den_a, inv_den_b)
    return out


def _numpy_distances(positions, directions, walls, inv_den_a, inv_den_b) -> np.ndarray:
    """:func:`first_wall_distances` for one block of positions, in NumPy (P, K), wall by wall.

    The best score ``1 / l`` belongs to the nearest valid wall ahead (``l > 0``); a ray that
    meets none (only outside a closed environment) takes RatInABox's fallback: the first
    wall scoring 0 (``l = 0`` or NaN), else the first wall.
    """
    px, py = positions[:, 0][:, None], positions[:, 1][:, None]  # (P, 1)
    ux, uy = directions[None, :, 0], directions[None, :, 1]  # (1, K)
    best = np.full((positions.shape[0], directions.shape[0]), np.inf)
    fallback = np.empty_like(best)
    seen_zero = np.zeros(best.shape, dtype=bool)
    for w, ((ax, ay), (bx, by)) in enumerate(walls):
        with np.errstate(invalid="ignore", divide="ignore"):
            la = ((ax - px) * (-(by - ay)) + (ay - py) * (bx - ax)) * inv_den_a[None, :, w]
            lb = ((px - ax) * (-uy) + (py - ay) * ux) * inv_den_b[None, :, w]
        valid = ~((la < 0) | (lb < 0) | (lb > 1))
        ahead = valid & (la > 0)
        np.copyto(best, la, where=ahead & (la < best))
        zero = valid & ~ahead & ~seen_zero
        np.copyto(fallback, la, where=zero | (w == 0))
        seen_zero |= zero
    return np.where(np.isinf(best), fallback, best)


def boundary_vector_rates(neurons, positions: np.ndarray, out: np.ndarray | None = None,
                          compiled: bool | None = None, bar=None) -> np.ndarray:
    """Rates (n_cells, P) in Hz of allocentric RatInABox BoundaryVectorCells at ``positions`` (P, 2).

    The model of ``BoundaryVectorCells.get_state``: for each test direction ``θ_k`` (every
    ``dtheta`` degrees) with the first wall at distance ``d_k`` (:func:`first_wall_distances`),
    cell ``c`` sums

    ``r_c = Σ_k exp(-(d_k - d_c)² / 2σ_d,c²) · exp(κ_c (cos(θ_k - φ_c) - 1))``, ``κ_c = 1 / σ_φ,c²``,

    divides by its largest possible sum (``cell_fr_norm``) and scales to ``[min_fr, max_fr]``.
    ``out`` (n_cells, P), if given, receives the rates. ``compiled`` as in
    :func:`first_wall_distances`; ``bar`` (a :class:`~placedecode.sim._progress.Progress`),
    if given, advances by the positions done.
    """
    if getattr(neurons, "reference_frame", "allocentric") != "allocentric":
        raise ValueError(
            "boundary_vector cells with reference_frame='egocentric' are not supported by "
            "vectorised evaluation; use the default allocentric frame."
        )
    from ratinabox.utils import von_mises

    positions = np.asarray(positions, dtype=float).reshape(-1, 2)
    n, P, K = neurons.n, positions.shape[0], len(neurons.test_angles)
    out = np.empty((n, P)) if out is None else out
    dist = first_wall_distances(positions, neurons.test_directions, neurons.Agent.Environment.walls, compiled)
    angular = von_mises(neurons.test_angles[None, :], neurons.tuning_angles[:, None], neurons.sigma_angles[:, None],
                        norm=1)[:, :, None]  # (n, K, 1), as RatInABox computes it
    mu = np.ascontiguousarray(neurons.tuning_distances, dtype=float)
    two_var = 2 * np.ascontiguousarray(neurons.sigma_distances, dtype=float) ** 2
    norm = np.asarray(neurons.cell_fr_norm, dtype=float)[:, None]
    kernel = _use_kernels(compiled)
    step = int(max(1, BLOCK_BYTES // (8 * max(1, n) * K)))
    block = np.empty((n, min(step, P), K))
    for s in range(0, P, step):
        d = dist[s : s + step]
        g = block[:, : d.shape[0]]
        if kernel is not None:  # RatInABox's utils.gaussian(d, mu, sigma, norm=1) = exp(-(d - mu)² / 2σ²)
            kernel.gaussian_exponents(d, mu, two_var, g)
        else:
            np.subtract(d[None], mu[:, None, None], out=g)
            np.multiply(g, g, out=g)
            np.divide(g, -two_var[:, None, None], out=g)
        np.exp(g, out=g)
        total = np.matmul(g, angular)[:, :, 0]  # Σ_k over the test directions
        out[:, s : s + step] = total / norm * (neurons.max_fr - neurons.min_fr) + neurons.min_fr
        if bar is not None:
            bar.advance(d.shape[0])
    return out
